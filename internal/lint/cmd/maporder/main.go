// Command maporder runs the maporder analyzer (package
// internal/lint/maporder) on the packages it is given; make lint runs it on
// the chaincode's product packages.
package main

import (
	"golang.org/x/tools/go/analysis/singlechecker"

	"github.com/tracechain/tracechain/internal/lint/maporder"
)

func main() { singlechecker.Main(maporder.Analyzer) }
