// Command fuzzrun runs every fuzz target of the given packages for a while each, one after
// another, as `make fuzz` does:
//
//	go run ./internal/fuzzrun -fuzztime 30s ./chaincode/identifier ./chaincode/epcis
//
// Go 1.26's fuzzing coordinator can report a bare "context deadline exceeded" as -fuzztime
// expires (go.dev/issue/75804). Such a run, which wrote no failing input, is tried up to twice
// more; anything else fails at once and prints the go command's output.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

const tries = 3

func main() {
	fuzztime := flag.String("fuzztime", "30s", "how long each fuzz target runs")
	goCmd := flag.String("go", "go", "the go command")
	flag.Parse()
	for _, pkg := range flag.Args() {
		targets, err := listTargets(*goCmd, pkg)
		if err != nil {
			fail(err)
		}
		for _, target := range targets {
			if err := fuzz(*goCmd, pkg, target, *fuzztime); err != nil {
				fail(err)
			}
		}
	}
}

// listTargets names the fuzz targets of pkg.
func listTargets(goCmd, pkg string) ([]string, error) {
	out, err := exec.Command(goCmd, "test", "-list", "^Fuzz", pkg).CombinedOutput() //nolint:gosec // the developer's own go command and packages
	if err != nil {
		return nil, fmt.Errorf("listing fuzz targets of %s: %w\n%s", pkg, err, out)
	}
	var targets []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "Fuzz") {
			targets = append(targets, strings.TrimSpace(line))
		}
	}
	return targets, nil
}

// fuzz runs one target, trying again only after the coordinator's deadline race.
func fuzz(goCmd, pkg, target, fuzztime string) error {
	for try := 1; try <= tries; try++ {
		fmt.Printf("fuzz %s %s %s (try %d)\n", pkg, target, fuzztime, try)
		cmd := exec.Command(goCmd, "test", "-run=^$", "-fuzz=^"+target+"$", "-fuzztime="+fuzztime, pkg) //nolint:gosec // as above
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		if err == nil {
			fmt.Println(lastLine(out.String()))
			return nil
		}
		os.Stdout.Write(out.Bytes())
		if !deadlineRace(out.String()) {
			return fmt.Errorf("fuzz %s %s: %w", pkg, target, err)
		}
		fmt.Printf("fuzz %s: deadline race at fuzztime expiry, no failing input; trying again\n", target)
	}
	return fmt.Errorf("fuzz %s %s: the deadline race %d times in a row", pkg, target, tries)
}

// deadlineRace reports whether a failed run's output is only go.dev/issue/75804.
func deadlineRace(out string) bool {
	return strings.Contains(out, "context deadline exceeded") && !strings.Contains(out, "Failing input written")
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "fuzzrun:", err)
	os.Exit(1)
}
