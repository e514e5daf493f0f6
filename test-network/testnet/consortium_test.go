package testnet

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNamesComeFromTheConsortiumDefinition(t *testing.T) {
	assert.Equal(t, "traceability", Names.Channel)
	assert.Contains(t, Orgs, Regulator)
	for _, org := range append(append(append([]string{}, Names.Manufacturers...), Names.Distributors...), Names.Retailers...) {
		assert.Contains(t, Orgs, org, "every role names a peer organisation")
	}
	assert.Equal(t, "ManufacturerAMSP", MSPID(ManufacturerA))
	assert.Equal(t, "peer0.retailer", PeerNode(Retailer))
}

func TestLoadConsortiumRefusesWhatItCannotRead(t *testing.T) {
	for name, text := range map[string]string{
		"not an assignment": "CHANNEL traceability\n",
		"no channel":        "PEER_ORGS=\"A B\"\nREGULATOR_ORG=B\n",
		"one manufacturer":  "CHANNEL=c\nPEER_ORGS=\"A B C D\"\nREGULATOR_ORG=D\nMANUFACTURER_ORGS=A\nDISTRIBUTOR_ORGS=B\nRETAILER_ORGS=C\n",
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "consortium.env")
			require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
			_, err := LoadConsortium(path)
			assert.Error(t, err)
		})
	}
	_, err := LoadConsortium(filepath.Join(t.TempDir(), "missing.env"))
	assert.Error(t, err)
}

func TestMemberRequestsAreValidAndExclusive(t *testing.T) {
	seen := map[string]string{}
	for _, org := range Registered() {
		req := MemberRequest(org)
		require.Len(t, req.USCC, 18, org)
		for _, v := range append(append(append(append([]string{}, req.CompanyPrefixes...), req.ProductionLicences...), req.CCCCertificates...), req.EcodeNumberSystems...) {
			require.NotContains(t, seen, v, "%s and %s share %s", org, seen[v], v)
			seen[v] = org
		}
	}
	assert.Len(t, NewGTIN(PrefixA), 14)
	assert.Len(t, NewSSCC(PrefixD), 22)
}
