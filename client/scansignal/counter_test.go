package scansignal

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

func TestCounterRaises(t *testing.T) {
	rule := Rule{Threshold: 3, Window: time.Hour, Gap: time.Minute}
	type raised struct {
		n     int
		since time.Duration // after t0
	}
	for _, tc := range []struct {
		name  string
		scans []time.Duration // after t0, all of subject "u"
		take  bool            // what raise answers
		want  []raised
	}{
		{"below the threshold", []time.Duration{0, 2 * time.Minute}, true, nil},
		{"at the threshold, once per window", []time.Duration{0, 2 * time.Minute, 4 * time.Minute, 6 * time.Minute, 8 * time.Minute}, true,
			[]raised{{3, 0}}},
		{"scans within the gap count once", []time.Duration{0, time.Second, 30 * time.Second, 59 * time.Second, time.Minute}, true, nil},
		{"a window that ended starts again", []time.Duration{0, 2 * time.Minute, 61 * time.Minute, 63 * time.Minute, 65 * time.Minute}, true,
			[]raised{{3, 61 * time.Minute}}},
		{"a signal not taken is offered again", []time.Duration{0, 2 * time.Minute, 4 * time.Minute, 6 * time.Minute}, false,
			[]raised{{3, 0}, {4, 0}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCounter(rule, 10)
			var got []raised
			for _, s := range tc.scans {
				c.observe("u", t0.Add(s), func(n int, since time.Time) bool {
					got = append(got, raised{n, since.Sub(t0)})
					return tc.take
				})
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestCounterSubjectsAreApart(t *testing.T) {
	c := newCounter(Rule{Threshold: 2, Window: time.Hour}, 10)
	var got []string
	for i, s := range []string{"a", "b", "c", "b", "a"} {
		c.observe(s, t0.Add(time.Duration(i)*time.Second), func(int, time.Time) bool { got = append(got, s); return true })
	}
	assert.Equal(t, []string{"b", "a"}, got)
}

func TestCounterMemoryIsBounded(t *testing.T) {
	c := newCounter(Rule{Threshold: 2, Window: time.Hour}, 100)
	never := func(int, time.Time) bool { t.Fatal("no subject was scanned twice while remembered"); return false }
	c.observe("kept", t0, never)
	for i := range 1000 {
		c.observe(fmt.Sprintf("flood-%d", i), t0, never)
		if i%50 == 0 {
			// A subject scanned now and then stays among the most recent.
			c.observe("kept", t0, func(int, time.Time) bool { return true })
		}
	}
	assert.Equal(t, 100, c.len())
	// The least recently scanned were forgotten: flood-0 counts from 1 again.
	c.observe("flood-0", t0, never)
}

func TestCounterLower(t *testing.T) {
	c := newCounter(Rule{Threshold: 1, Window: time.Hour}, 10)
	n := 0
	take := func(int, time.Time) bool { n++; return true }
	c.observe("u", t0, take)
	c.observe("u", t0.Add(time.Second), take)
	c.lower("u")
	c.observe("u", t0.Add(2*time.Second), take)
	c.lower("unknown subject")
	assert.Equal(t, 2, n, "raised, then raised again after lower")
}
