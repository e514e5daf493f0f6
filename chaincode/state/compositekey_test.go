package state

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCompositeKeyRoundTrip(t *testing.T) {
	k, err := CompositeKey("batch", "06901234567892", "B1", "https://id.gs1.org/01/06901234567892/21/1")
	require.NoError(t, err)
	typ, attrs, err := SplitCompositeKey(k)
	require.NoError(t, err)
	assert.Equal(t, "batch", typ)
	assert.Equal(t, []string{"06901234567892", "B1", "https://id.gs1.org/01/06901234567892/21/1"}, attrs)

	_, err = CompositeKey("item", "a\x00b")
	assert.Error(t, err)
	_, err = CompositeKey("item", string(rune(0x10FFFF)))
	assert.Error(t, err)
	_, _, err = SplitCompositeKey("plain")
	assert.Error(t, err)
}
