package writes

import (
	"fmt"
	"io"
	"strings"
)

type stub interface {
	PutState(key string, value []byte) error
	DelState(key string) error
	GetState(key string) ([]byte, error)
}

func put(s stub, m map[string][]byte) {
	for k, v := range m { // want `range over map m calls PutState in random order`
		_ = s.PutState(k, v)
	}
}

func del(s stub, m map[string]bool) {
	for k := range m { // want `calls DelState`
		_ = s.DelState(k)
	}
}

// reads leave no order behind: Fabric sorts the read set.
func reads(s stub, m map[string]bool) int {
	n := 0
	for k := range m {
		v, _ := s.GetState(k)
		n += len(v)
	}
	return n
}

func print(w io.Writer, m map[string]int) {
	for k, v := range m { // want `calls Fprintf`
		fmt.Fprintf(w, "%s=%d\n", k, v)
	}
}

func build(m map[string]int) string {
	var b strings.Builder
	for k := range m { // want `calls WriteString`
		b.WriteString(k)
	}
	return b.String()
}

func concat(m map[string]int) string {
	s := ""
	for k := range m { // want `adds to string s`
		s += k
	}
	return s
}

func count(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// later writes nothing now: the closure runs, if ever, after the loop.
func later(s stub, m map[string][]byte) []func() {
	fns := make([]func(), 0, len(m))
	for k, v := range m { // want `appends to fns`
		fns = append(fns, func() { _ = s.PutState(k, v) })
	}
	return fns
}
