package client

import (
	"context"

	"github.com/tracechain/tracechain/chaincode/model"
)

// BenchPut writes value under key through the bench contract, the cheapest
// write over the same network and endorsement policy: the baseline for
// benchmarks. It returns the transaction ID.
func (c *Client) BenchPut(ctx context.Context, key, value string) (string, error) {
	s, err := c.submit(ctx, call{Contract: model.ContractBench, Fn: model.FnBenchPut, Args: []string{key, value}})
	if err != nil {
		return "", err
	}
	return s.txID, nil
}

// BenchGet reads the value under key through the bench contract ("" when
// absent).
func (c *Client) BenchGet(ctx context.Context, key string) (string, error) {
	raw, err := c.evaluate(ctx, call{Contract: model.ContractBench, Fn: model.FnBenchGet, Args: []string{key}})
	if err != nil {
		return "", err
	}
	return string(raw), nil
}
