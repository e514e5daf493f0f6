package appends

import (
	"maps"
	"slices"
	"sort"
)

func unsorted(m map[string]int) []string {
	var out []string
	for k := range m { // want `range over map m appends to out in random order`
		out = append(out, k)
	}
	return out
}

func sortedInPlace(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedInReturn(m map[string]int) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return slices.Sorted(slices.Values(out))
}

func sortedByHelper(m map[string]int) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return sorted(out)
}

func sorted(s []string) []string {
	slices.Sort(s)
	return s
}

// sortedBefore sorts too early: the loop appends after the sort.
func sortedBefore(m map[string]int, out []string) []string {
	sort.Strings(out)
	for k := range m { // want `appends to out`
		out = append(out, k)
	}
	return out
}

type set struct{ keys []string }

func field(m map[string]bool, s *set) {
	for k := range m { // want `appends to keys`
		s.keys = append(s.keys, k)
	}
}

// local appends to a slice that dies with each iteration.
func local(m map[string][]int) int {
	n := 0
	for _, v := range m {
		w := append([]int(nil), v...)
		w = append(w, 0)
		n += len(w)
	}
	return n
}

func orderedKeys(m map[string]int) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, k)
	}
	return out
}

type index map[string]int

func named(ix index) []string {
	var out []string
	for k := range ix { // want `range over map ix appends to out`
		out = append(out, k)
	}
	return out
}
