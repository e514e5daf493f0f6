//go:build integration

package faults_test

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// timeline marks a case's fault: when it was injected, when the node was back (restarted and
// healthy), when the load stopped, and when the fault's node had caught up.
type timeline struct {
	start, fault, restored, end time.Time
	caughtUp                    time.Duration // from restored until the node had caught up; negative if the fault has none
}

// figures is what a case measured, as docs/reliability.md reports it.
type figures struct {
	Case      string
	Node      string
	Outage    time.Duration // fault injected until the node was back
	Stall     time.Duration // longest time with no acknowledged write, from the fault on
	Before    float64       // acknowledged writes per second before the fault
	During    float64       // ... while the node was away
	After     float64       // ... after it was back
	Resume    time.Duration // from the node's return until the next acknowledged write
	CatchUp   time.Duration // from the node's return until it was level with the others
	Acked     int
	Failed    int
	Unknown   int
	Reads     int
	ReadFails int
}

// measure computes a case's figures from its load's journal.
func measure(name, node string, tl timeline, ws []write, reads, readFails int) figures {
	f := figures{Case: name, Node: node, Outage: tl.restored.Sub(tl.fault), CatchUp: tl.caughtUp,
		Acked: count(ws, acknowledged), Failed: count(ws, failed), Unknown: count(ws, unknown),
		Reads: reads, ReadFails: readFails}
	var acks []time.Time
	for _, w := range ws {
		if w.Outcome == acknowledged {
			acks = append(acks, w.End)
		}
	}
	slices.SortFunc(acks, func(a, b time.Time) int { return a.Compare(b) })
	f.Before = rate(acks, tl.start, tl.fault)
	f.During = rate(acks, tl.fault, tl.restored)
	f.After = rate(acks, tl.restored, tl.end)
	prev := tl.fault
	for _, a := range acks {
		if a.Before(tl.fault) {
			continue
		}
		f.Stall = max(f.Stall, a.Sub(prev))
		prev = a
	}
	f.Stall = max(f.Stall, tl.end.Sub(prev))
	f.Resume = -1
	for _, a := range acks {
		if !a.Before(tl.restored) {
			f.Resume = a.Sub(tl.restored)
			break
		}
	}
	return f
}

// rate is the number of times in [from, to) per second.
func rate(ts []time.Time, from, to time.Time) float64 {
	d := to.Sub(from).Seconds()
	if d <= 0 {
		return 0
	}
	n := 0
	for _, t := range ts {
		if !t.Before(from) && t.Before(to) {
			n++
		}
	}
	return float64(n) / d
}

// String renders the figures as one line of key=value pairs (FAULT case=... node=...), for
// grep and awk.
func (f figures) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "FAULT case=%s node=%s outage=%s stall=%s tps_before=%.1f tps_during=%.1f tps_after=%.1f resume=%s catchup=%s",
		f.Case, f.Node, secs(f.Outage), secs(f.Stall), f.Before, f.During, f.After, secs(f.Resume), secs(f.CatchUp))
	fmt.Fprintf(&b, " acked=%d failed=%d unknown=%d reads=%d read_errors=%d", f.Acked, f.Failed, f.Unknown, f.Reads, f.ReadFails)
	return b.String()
}

// secs renders a duration in seconds with one decimal; a negative one (never happened) as -.
func secs(d time.Duration) string {
	if d < 0 {
		return "-"
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}
