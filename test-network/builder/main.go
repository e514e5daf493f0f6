// Command builder is tracechain's external chaincode builder for chaincode-as-a-service, and the
// packager that makes the package the peers install.
//
// Peers call it through the external builder protocol: the same binary is installed as
// bin/detect, bin/build and bin/release and dispatches on its name. The chaincode itself runs as
// its own process; the package only tells the peer where to reach it (connection.json).
//
//	builder package -label tracechain_1 -address 127.0.0.1:7200 -out tracechain.tar.gz
//	builder install DIR    # writes DIR/bin/{detect,build,release}
package main

import (
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	if err := run(filepath.Base(os.Args[0]), os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", filepath.Base(os.Args[0]), err)
		os.Exit(1)
	}
}

func run(name string, args []string) error {
	switch name {
	case "detect":
		return detect(args)
	case "build":
		return build(args)
	case "release":
		return release(args)
	}
	if len(args) == 0 {
		return fmt.Errorf("usage: builder package|install")
	}
	switch args[0] {
	case "package":
		return packageCmd(args[1:])
	case "install":
		return installCmd(args[1:])
	case "detect", "build", "release":
		return run(args[0], args[1:])
	}
	return fmt.Errorf("unknown command %q", args[0])
}
