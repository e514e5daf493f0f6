package eventindex

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestPagesAreBoundedInBytes: captured events of megabytes (a member's
// client may capture extensions that large) do not make one page of Query,
// or one read of Follow, hold hundreds of them: a page ends before the event
// that would take it over MaxPageBytes, keeps at least one, and the next
// page or position goes on from there with no event missed or repeated.
func TestPagesAreBoundedInBytes(t *testing.T) {
	ctx := context.Background()
	const mib = 1 << 20
	sizes := []int{3 * mib, 3*mib + 4096, 3*mib + 8192, 9 * mib, 1 * mib} // told apart by their size
	want := [][]int{{0, 1}, {2}, {3}, {4}}
	for name, s := range backends(t) {
		t.Run(name, func(t *testing.T) {
			g := synthetic{n: len(sizes)}
			var entries []Entry
			for i, n := range sizes {
				e := g.entry(i)
				var ev map[string]any
				if err := json.Unmarshal(e.Event, &ev); err != nil {
					t.Fatal(err)
				}
				ev["tracechain:note"] = strings.Repeat("x", n)
				e.Event, _ = json.Marshal(ev)
				entries = append(entries, e)
			}
			if err := s.Index(ctx, 1, entries); err != nil {
				t.Fatal(err)
			}
			index := func(r Record) int {
				for i, n := range sizes {
					if len(r.Event) > n && len(r.Event) < n+4000 {
						return i
					}
				}
				t.Fatalf("an event of %d bytes", len(r.Event))
				return -1
			}
			// Query, page by page.
			q := Query{PerPage: 10}
			for p, w := range want {
				page, err := s.Query(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				var got []int
				for _, r := range page.Events {
					got = append(got, index(r))
				}
				if !equalInts(got, w) || (page.NextPageToken == "") != (p == len(want)-1) {
					t.Fatalf("page %d: events %v, next %q; want %v", p, got, page.NextPageToken, w)
				}
				q.PageToken = page.NextPageToken
			}
			// Follow, read by read.
			pos := Position{}
			for r, w := range want {
				recs, next, err := s.Follow(ctx, Query{}, pos, 10)
				if err != nil {
					t.Fatal(err)
				}
				var got []int
				for _, rec := range recs {
					got = append(got, index(rec))
				}
				if !equalInts(got, w) || next.Partial() != (r < len(want)-1) {
					t.Fatalf("read %d from %+v: events %v, next %+v; want %v", r, pos, got, next, w)
				}
				pos = next
			}
			if pos != (Position{Block: 2}) {
				t.Fatalf("the end is %+v, want the block after the checkpoint", pos)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
