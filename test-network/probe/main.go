// Command probe tells whether the test network is ready for clients: it connects to an
// organisation's peer through the Fabric Gateway, submits a write to the benchmark baseline
// chaincode that needs endorsements from two organisations, evaluates a read, and exits 0 only
// if both succeed. With -serves it also evaluates the contract metadata of another chaincode,
// so that a deployment is ready only when that chaincode's server answers too.
//
//	probe -profile run/connection/manufacturera.json [-serves tracechain] [-timeout 60s]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	gateway "github.com/hyperledger/fabric-gateway/pkg/client"

	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/test-network/benchcc"
)

func main() {
	path := flag.String("profile", "", "Fabric common connection profile written by network.sh")
	chaincode := flag.String("chaincode", benchcc.Chaincode, "the benchmark baseline chaincode to write through")
	serves := flag.String("serves", "", "a chaincode that must answer too (its contract metadata)")
	timeout := flag.Duration("timeout", 60*time.Second, "give up after")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	var last error
	for {
		if last = probe(ctx, *path, *chaincode, *serves); last == nil {
			return
		}
		select {
		case <-ctx.Done():
			fmt.Fprintf(os.Stderr, "probe: not ready: %v\n", last)
			os.Exit(1)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func probe(ctx context.Context, path, chaincode, serves string) error {
	p, err := client.LoadProfile(path)
	if err != nil {
		return err
	}
	conn, err := p.Dial()
	if err != nil {
		return err
	}
	defer conn.Close()
	gw, err := p.Gateway(conn, client.IdentityUser,
		gateway.WithEvaluateTimeout(5*time.Second), gateway.WithEndorseTimeout(10*time.Second),
		gateway.WithSubmitTimeout(5*time.Second), gateway.WithCommitStatusTimeout(20*time.Second))
	if err != nil {
		return err
	}
	defer gw.Close()
	cc := gw.GetNetwork(p.Channel).GetContract(chaincode)
	if _, err := cc.SubmitWithContext(ctx, benchcc.FnPut, gateway.WithArguments("probe", time.Now().UTC().Format(time.RFC3339Nano))); err != nil {
		return fmt.Errorf("submit: %w", err)
	}
	if _, err := cc.EvaluateWithContext(ctx, benchcc.FnGet, gateway.WithArguments("probe")); err != nil {
		return fmt.Errorf("evaluate: %w", err)
	}
	if serves != "" {
		_, err := gw.GetNetwork(p.Channel).GetContract(serves).EvaluateWithContext(ctx, "org.hyperledger.fabric:GetMetadata")
		if err != nil {
			return fmt.Errorf("%s: %w", serves, err)
		}
	}
	return nil
}
