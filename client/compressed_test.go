package client

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
)

func TestUncompressed(t *testing.T) {
	for in, want := range map[string]string{
		// GS1's compression example (identifier's compression tests).
		"https://id.gs1.org/ARHKVAdpQg":                  "https://id.gs1.org/01/09780345418913",
		" https://example.com/01/09780345418913/IWMAEI ": "https://example.com/01/09780345418913/21/ABC",
		"https://id.gs1.org/01/09780345418913":           "https://id.gs1.org/01/09780345418913",
		"https://id.gs1.org/ARHKVA":                      "https://id.gs1.org/ARHKVA", // malformed: the chaincode says why
		"(01)09780345418913(21)A":                        "(01)09780345418913(21)A",
		"ecode:10001123456789":                           "ecode:10001123456789",
	} {
		assert.Equal(t, want, Uncompressed(in), in)
	}
}

func TestReadsSendTheUncompressedLink(t *testing.T) {
	ctx := context.Background()
	c, cc, _ := newTestClient(t)
	var got call
	expectEvaluate(cc, map[string]any{}, &got)
	_, err := c.Verify(ctx, "https://id.gs1.org/ARHKVAdpQg")
	require.NoError(t, err)
	assert.Equal(t, model.FnVerify, got.Fn)
	assert.Equal(t, []string{"https://id.gs1.org/01/09780345418913"}, got.Args)
	expectEvaluate(cc, map[string]any{}, &got)
	_, err = c.GetItem(ctx, "https://id.gs1.org/ARHKVAdpQg")
	require.NoError(t, err)
	assert.Equal(t, []string{"https://id.gs1.org/01/09780345418913"}, got.Args)
}
