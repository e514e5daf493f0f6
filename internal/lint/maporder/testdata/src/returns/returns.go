package returns

import "fmt"

func firstBad(m map[string]int) error {
	for k, v := range m { // want `range over map m returns in random order`
		if v < 0 {
			return fmt.Errorf("%s is negative", k)
		}
	}
	return nil
}

func nested(m map[string]map[string]int) int {
	total := 0
	for _, inner := range m {
		for _, v := range inner {
			total += v
		}
	}
	return total
}

func nestedReturn(m map[string]map[string]int) string {
	for k, inner := range m { // want `returns`
		for range inner { // want `returns`
			return k
		}
	}
	return ""
}

func slice(s []int) int {
	for _, v := range s {
		if v < 0 {
			return v
		}
	}
	return 0
}
