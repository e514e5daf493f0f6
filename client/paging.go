package client

import (
	"context"
	"iter"
	"strconv"

	"github.com/tracechain/tracechain/chaincode/model"
)

// pageArgs encodes the page size and bookmark arguments of a paginated read.
func pageArgs(pageSize int32, bookmark string) []string {
	return []string{strconv.FormatInt(int64(pageSize), 10), bookmark}
}

// pageFunc reads one page of a paged read: an XxxPage method with its
// leading arguments bound.
type pageFunc[P any] func(ctx context.Context, pageSize int32, bookmark string) (*P, error)

// pages iterates over every item of a paged read, fetching pages of
// model.MaxPageSize, so that the whole read takes as few evaluations as the
// chaincode allows, until the bookmark is empty; items takes a page apart. A
// bookmark that does not advance ends the iteration. The iteration stops
// after yielding an error.
func pages[P, T any](ctx context.Context, fetch pageFunc[P], items func(*P) ([]T, string)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		bookmark := ""
		for {
			page, err := fetch(ctx, model.MaxPageSize, bookmark)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			list, next := items(page)
			for _, it := range list {
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

// Collect reads every item of a paged read's iterator into a slice, for
// callers that need them all at once:
//
//	events, err := client.Collect(c.Trace(ctx, code))
//
// It stops at the first error and returns it with the items read before.
func Collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}
