package testnet

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// Partition takes an organisation's network link down, on a network started WithNetNS: its
// nodes keep running but reach no other node and no client, as when an organisation's data
// centre loses its uplink. org is a peer organisation or the orderer organisation.
func (n *Network) Partition(ctx context.Context, org string) error {
	_, err := n.run(ctx, "partition", org)
	return err
}

// Heal brings a partitioned organisation's link up again.
func (n *Network) Heal(ctx context.Context, org string) error {
	_, err := n.run(ctx, "heal", org)
	return err
}

// netnsObject is a namespace or a root-namespace link that network.sh created for the
// network, as its run directory records it (netns.rec).
type netnsObject struct {
	Kind string // "netns" or "link"
	Name string
}

func (o netnsObject) String() string { return o.Kind + " " + o.Name }

// netnsRecord reads the objects network.sh recorded; none for a network without namespaces.
func (n *Network) netnsRecord() ([]netnsObject, error) {
	if !n.NetNS {
		return nil, nil
	}
	raw, err := os.ReadFile(filepath.Join(n.Dir, "netns.rec"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var objs []netnsObject
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		if kind, name, ok := strings.Cut(sc.Text(), " "); ok {
			objs = append(objs, netnsObject{Kind: kind, Name: name})
		}
	}
	return objs, sc.Err()
}

// LeftoverError reports namespaces or links of a network that its down did not remove.
type LeftoverError struct {
	Objects []string
}

func (e *LeftoverError) Error() string {
	return "left behind: " + strings.Join(e.Objects, ", ")
}

// checkRemoved returns a *LeftoverError if any of objs still exists, as `ip netns list` and
// `ip link` (of the root namespace, where the clients run) see them.
func checkRemoved(ctx context.Context, objs []netnsObject) error {
	if len(objs) == 0 {
		return nil
	}
	namespaces, err := exec.CommandContext(ctx, "ip", "netns", "list").Output()
	if err != nil {
		return fmt.Errorf("ip netns list: %w", err)
	}
	links, err := exec.CommandContext(ctx, "ip", "-o", "link", "show").Output()
	if err != nil {
		return fmt.Errorf("ip link show: %w", err)
	}
	present := map[string][]string{"netns": firstFields(namespaces, 0), "link": firstFields(links, 1)}
	var left []string
	for _, o := range objs {
		if slices.Contains(present[o.Kind], o.Name) {
			left = append(left, o.String())
		}
	}
	if left != nil {
		return &LeftoverError{Objects: left}
	}
	return nil
}

// firstFields returns field i of each line of out, without the ":" and "@peer" that
// `ip -o link` appends to a link's name.
func firstFields(out []byte, i int) []string {
	var names []string
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		if len(f) > i {
			name, _, _ := strings.Cut(strings.TrimSuffix(f[i], ":"), "@")
			names = append(names, name)
		}
	}
	return names
}
