package testnet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/tracechain/tracechain/client"
)

// StateDigest is what a peer's ledger snapshot says about its world state at one block:
// Fabric hashes every snapshot file (public state, private data hashes, transaction IDs) into
// its signable metadata, and that metadata into SnapshotHash. Two peers with the same
// SnapshotHash at the same block hold the same world state.
type StateDigest struct {
	Peer         string
	Block        uint64
	SnapshotHash string            // hash of the signable metadata
	Files        map[string]string // each snapshot file's hash
}

// snapshotMetadata is the part of the two metadata files a completed snapshot holds that a
// comparison needs.
type snapshotMetadata struct {
	LastBlockNumber uint64            `json:"last_block_number"`
	Files           map[string]string `json:"snapshot_files_raw_hashes"`
	SnapshotHash    string            `json:"snapshot_hash"`
}

// StateDigest has org's peer generate a snapshot of the channel's ledger at block (peer
// snapshot submitrequest, as org's admin) and returns its hashes once the snapshot is
// complete. Fabric refuses a block below the peer's last committed one and generates a
// snapshot for a later block when it commits it, so the caller names a block every peer has
// committed last, e.g. after Settle with no writes in flight.
func (n *Network) StateDigest(ctx context.Context, org string, block uint64) (*StateDigest, error) {
	p, err := client.LoadProfile(n.ProfilePath(org))
	if err != nil {
		return nil, err
	}
	node := PeerNode(org)
	dir := filepath.Join(n.Dir, "nodes", node, "snapshots", "completed", Names.Channel, strconv.FormatUint(block, 10))
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		out, err := n.Peer(ctx, org, "snapshot", "submitrequest", "-c", Names.Channel, "-b", strconv.FormatUint(block, 10),
			"--peerAddress", p.Peer.Endpoint, "--tlsRootCertFile", p.Peer.TLSCACert)
		if err != nil {
			return nil, fmt.Errorf("%s: snapshot at block %d: %w\n%s", node, block, err, out)
		}
	}
	// The peer renames the snapshot's temporary directory into completed/ when it is whole,
	// so the metadata file there is never half written.
	for {
		d, err := readSnapshot(dir)
		if err == nil {
			if d.LastBlockNumber != block {
				return nil, fmt.Errorf("%s: snapshot in %s is of block %d", node, dir, d.LastBlockNumber)
			}
			return &StateDigest{Peer: node, Block: block, SnapshotHash: d.SnapshotHash, Files: d.Files}, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: %w", node, err)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%s: snapshot at block %d not complete: %w", node, block, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// readSnapshot reads a completed snapshot's metadata files.
func readSnapshot(dir string) (*snapshotMetadata, error) {
	var md snapshotMetadata
	for _, name := range []string{"_snapshot_signable_metadata.json", "_snapshot_additional_metadata.json"} {
		raw, err := os.ReadFile(filepath.Join(dir, name)) //nolint:gosec // a file of the network's own run directory
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(raw, &md); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return &md, nil
}
