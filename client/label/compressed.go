package label

import "github.com/tracechain/tracechain/chaincode/identifier"

// Compressed returns c with its QR content replaced by the compressed form
// of its Digital Link (GS1 Digital Link compression), which makes a smaller
// QR code for long links. It is an option, never the default: a compressed
// link is opaque to a person reading the URL and to scanner apps that do not
// decompress, and GS1's JavaScript toolkit misreads 18-digit numbers in it
// (docs/resolver.md). The compressed link must read back to the same code,
// or the label is refused (ErrEncode). Codes with no Digital Link (Ecode,
// CCC, digital identity) are refused too (ErrAttribute).
func (c Content) Compressed() (Content, error) {
	if !c.GS1 {
		return Content{}, fail(ErrAttribute, c.Code.Canonical, errorString("only a GS1 code has a Digital Link to compress"))
	}
	uri, err := identifier.CompressDigitalLink(c.URI)
	if err != nil {
		return Content{}, fail(ErrEncode, c.URI, err)
	}
	back, err := identifier.Parse(uri)
	if err != nil || back.Identity().Canonical != c.Code.Canonical {
		return Content{}, fail(ErrEncode, c.URI, errorString("the compressed link does not read back to the code"))
	}
	c.URI = uri
	return c, nil
}
