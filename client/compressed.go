package client

import (
	"strings"

	"github.com/tracechain/tracechain/chaincode/identifier"
)

// Uncompressed returns code with a compressed GS1 Digital Link (GS1 Digital
// Link compression) replaced by its uncompressed URI, and any other code
// unchanged, errors included: the chaincode reports them with their rule.
// The SDK's calls that take one code (Verify, GetItem, TracePage, Trace,
// GetSale, PurgeSale) pass it through here, so a compressed link read from a
// label works even against a chaincode that predates decompression.
func Uncompressed(code string) string {
	s := strings.TrimSpace(code)
	if !strings.HasPrefix(strings.ToLower(s), "http") {
		return code
	}
	dl, err := identifier.ParseDigitalLinkURI(s)
	if err != nil || !dl.Compressed {
		return code
	}
	return dl.Uncompressed()
}
