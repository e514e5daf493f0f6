package testnet

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFirstFieldsNamesWhatIPLists(t *testing.T) {
	for _, tc := range []struct {
		name  string
		out   string
		field int
		want  []string
	}{
		{"netns list with and without an id", "tc1a2b3c-br (id: 0)\ntc1a2b3c-retailer\n", 0, []string{"tc1a2b3c-br", "tc1a2b3c-retailer"}},
		{"link without a peer", "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536\n", 1, []string{"lo"}},
		{"veth end with its peer's index", "7: tc1a2b3ch@if3: <BROADCAST,MULTICAST,UP> mtu 1500\n", 1, []string{"tc1a2b3ch"}},
		{"nothing", "", 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, firstFields([]byte(tc.out), tc.field))
		})
	}
}

func TestNetNSRecordIsReadOnlyForNamespacedNetworks(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "netns.rec"), []byte("netns tc1a2b3c-br\nlink tc1a2b3ch\n"), 0o600))

	got, err := (&Network{Dir: dir, NetNS: true}).netnsRecord()
	require.NoError(t, err)
	assert.Equal(t, []netnsObject{{"netns", "tc1a2b3c-br"}, {"link", "tc1a2b3ch"}}, got)

	got, err = (&Network{Dir: dir}).netnsRecord()
	require.NoError(t, err)
	assert.Empty(t, got, "a network on 127.0.0.1 has no namespaces")

	got, err = (&Network{Dir: t.TempDir(), NetNS: true}).netnsRecord()
	require.NoError(t, err)
	assert.Empty(t, got, "down already removed the record")
}

func TestCheckRemovedReportsWhatStillExists(t *testing.T) {
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs iproute2's ip")
	}
	// Every network namespace has a loopback link; no run names a namespace like this one.
	err := checkRemoved(context.Background(), []netnsObject{{"link", "lo"}, {"netns", "tc-never-created"}})
	var left *LeftoverError
	require.ErrorAs(t, err, &left)
	assert.Equal(t, []string{"link lo"}, left.Objects)
	assert.NoError(t, checkRemoved(context.Background(), []netnsObject{{"netns", "tc-never-created"}}))
}
