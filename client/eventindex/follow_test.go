package eventindex

import (
	"context"
	"errors"
	"slices"
	"testing"
)

// TestFollow reads the fixture in record order in steps of every size, from
// every position, and after a rebuild from the same positions: each event
// comes exactly once, and a position means the same thing after Reset.
func TestFollow(t *testing.T) {
	ctx := context.Background()
	want := []string{"commission", "pack", "ship", "receive", "transform", "shipLot", "destroy"}
	for name, s := range backends(t) {
		t.Run(name, func(t *testing.T) {
			l := load(t, s)
			for limit := 1; limit <= 8; limit++ {
				var got []string
				pos := Position{}
				var positions []Position
				for range 20 {
					recs, next, err := s.Follow(ctx, Query{}, pos, limit)
					if err != nil {
						t.Fatal(err)
					}
					positions = append(positions, pos)
					got = append(got, l.namesOf(recs)...)
					if len(recs) < limit {
						if next != (Position{Block: 8}) {
							t.Fatalf("limit %d: the end is %+v, want the block after the checkpoint", limit, next)
						}
						break
					}
					pos = next
				}
				if !slices.Equal(got, want) {
					t.Fatalf("limit %d: %v, want %v", limit, got, want)
				}
				if limit == 2 {
					// Every position reached reads the same rest after a rebuild.
					before := map[Position][]string{}
					for _, p := range positions {
						recs, _, err := s.Follow(ctx, Query{}, p, 1000)
						if err != nil {
							t.Fatal(err)
						}
						before[p] = l.namesOf(recs)
					}
					if err := s.Reset(ctx); err != nil {
						t.Fatal(err)
					}
					l = load(t, s)
					for p, w := range before {
						recs, _, err := s.Follow(ctx, Query{}, p, 1000)
						if err != nil {
							t.Fatal(err)
						}
						if g := l.namesOf(recs); !slices.Equal(g, w) {
							t.Fatalf("after the rebuild, from %+v: %v, want %v", p, g, w)
						}
					}
				}
			}
			// Filters apply; a position past the checkpoint reads nothing.
			recs, next, err := s.Follow(ctx, Query{BizSteps: []string{"shipping"}}, Position{Block: 4, Offset: 1}, 10)
			if err != nil || !slices.Equal(l.namesOf(recs), []string{"shipLot"}) || next != (Position{Block: 8}) {
				t.Fatalf("shipping after the first of block 4: %v %+v %v", l.namesOf(recs), next, err)
			}
			recs, next, err = s.Follow(ctx, Query{}, Position{Block: 9}, 10)
			if err != nil || len(recs) != 0 || next != (Position{Block: 9}) {
				t.Fatalf("past the checkpoint: %v %+v %v", recs, next, err)
			}
			var pe *PerPageError
			if _, _, err := s.Follow(ctx, Query{}, Position{}, MaxPerPage+1); !errors.As(err, &pe) {
				t.Fatalf("limit above the maximum: %v", err)
			}
		})
	}
}
