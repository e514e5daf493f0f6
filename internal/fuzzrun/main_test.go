package main

import "testing"

func TestOnlyTheCoordinatorsDeadlineRaceIsTriedAgain(t *testing.T) {
	for _, tc := range []struct {
		out  string
		race bool
	}{
		{"fuzz: elapsed: 30s\n--- FAIL: FuzzX\n    context deadline exceeded\nFAIL", true},
		{"--- FAIL: FuzzX\n    Failing input written to testdata/fuzz/FuzzX/abc\n    context deadline exceeded", false},
		{"--- FAIL: FuzzX\n    panic: index out of range", false},
	} {
		if got := deadlineRace(tc.out); got != tc.race {
			t.Errorf("deadlineRace(%q) = %t, want %t", tc.out, got, tc.race)
		}
	}
}
