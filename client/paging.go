package client

import (
	"context"
	"iter"
	"strconv"
)

// pageArgs encodes the page size and bookmark arguments of a paginated read.
func pageArgs(pageSize int32, bookmark string) []string {
	return []string{strconv.FormatInt(int64(pageSize), 10), bookmark}
}

// pages iterates over every item of a paginated read, fetching pages of
// pageSize (0 means the chaincode's default) until the bookmark is empty.
// A bookmark that does not advance ends the iteration. The iteration stops
// after yielding an error.
func pages[T any](ctx context.Context, pageSize int32, fetch func(ctx context.Context, pageSize int32, bookmark string) ([]T, string, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		bookmark := ""
		for {
			items, next, err := fetch(ctx, pageSize, bookmark)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if next == "" || next == bookmark {
				return
			}
			bookmark = next
		}
	}
}

// collect gathers an iteration into a slice, stopping at the first error.
func collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}
