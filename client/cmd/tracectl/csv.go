package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tracechain/tracechain/chaincode/identifier"
)

// readCodesCSV reads the codes to commission from a CSV file (see the
// commission command's help for the format). Serials are combined with gtin
// into SGTINs; blank lines are skipped.
func readCodesCSV(path, gtin string) ([]string, error) {
	f, err := os.Open(path) //nolint:gosec // the CSV file the user names on the command line
	if err != nil {
		return nil, err
	}
	defer f.Close()
	codes, err := parseCodesCSV(f, gtin)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return codes, nil
}

func parseCodesCSV(r io.Reader, gtin string) ([]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.Comment = '#'
	col, serial := 0, false
	var codes []string
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if line == 1 {
			if c, s, ok := csvHeader(rec); ok {
				col, serial = c, s
				continue
			}
		}
		if col >= len(rec) {
			return nil, fmt.Errorf("line %d: no column %d", line, col+1)
		}
		v := strings.TrimSpace(rec[col])
		if v == "" {
			continue
		}
		if serial {
			c, err := identifier.SGTIN(gtin, v)
			if err != nil {
				return nil, fmt.Errorf("line %d: serial %q: %w", line, v, err)
			}
			v = c.Canonical
		}
		codes = append(codes, v)
	}
	if len(codes) == 0 {
		return nil, errors.New("no codes")
	}
	return codes, nil
}

// csvHeader finds a "code" or "serial" column in a header row.
func csvHeader(rec []string) (col int, serial, ok bool) {
	for i, h := range rec {
		switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))) {
		case "code":
			return i, false, true
		case "serial":
			return i, true, true
		}
	}
	return 0, false, false
}
