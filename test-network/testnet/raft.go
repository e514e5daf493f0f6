package testnet

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrNoLeader is returned by RaftLeader while no orderer reports that it leads the channel:
// during an election, or while the ordering service is down.
var ErrNoLeader = errors.New("testnet: no orderer leads the channel")

// Metrics returns one Prometheus metric of a node's operations endpoint (an orderer or a
// peer) for the channel: the value of the sample named name whose labels include
// channel="<channel>". ok is false when the node does not report it.
func (n *Network) Metrics(ctx context.Context, node, name string) (value float64, ok bool, err error) {
	out, err := n.run(ctx, "metrics", node)
	if err != nil {
		return 0, false, fmt.Errorf("metrics of %s: %w\n%s", node, err, tail(out, 5))
	}
	label := fmt.Sprintf("channel=%q", Names.Channel)
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name+"{") || !strings.Contains(line, label) {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			return 0, false, fmt.Errorf("metrics of %s: %q: %w", node, line, err)
		}
		return v, true, nil
	}
	return 0, false, sc.Err()
}

// RaftLeader returns the orderer that leads the channel's raft cluster now, as the orderers
// themselves report it (consensus_etcdraft_is_leader on their operations endpoints). An
// orderer that does not answer is not the leader; when none leads, the error is ErrNoLeader.
func (n *Network) RaftLeader(ctx context.Context) (string, error) {
	return n.leader(ctx, "consensus_etcdraft_is_leader", ErrNoLeader)
}

// leader is the orderer whose metric says it leads, or none when no orderer answers 1.
func (n *Network) leader(ctx context.Context, metric string, none error) (string, error) {
	for _, o := range n.Orderers() {
		v, ok, err := n.Metrics(ctx, o, metric)
		if err != nil {
			if ctx.Err() != nil {
				return "", ctx.Err()
			}
			continue
		}
		if ok && v == 1 {
			return o, nil
		}
	}
	return "", none
}
