package maporder_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/tracechain/tracechain/internal/lint/maporder"
)

func TestAnalyzer(t *testing.T) {
	tests := []struct {
		pkg  string
		what string
	}{
		{"appends", "appends to a slice, unless it is sorted after the loop"},
		{"writes", "writes to the ledger, to output or to a string"},
		{"returns", "returns from inside the loop"},
		{"ordered", "test files are not checked"},
	}
	for _, tt := range tests {
		t.Run(tt.pkg, func(t *testing.T) {
			analysistest.Run(t, analysistest.TestData(), maporder.Analyzer, tt.pkg)
		})
	}
}
