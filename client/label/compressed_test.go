package label

import (
	"bytes"
	"errors"
	"image/png"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/identifier"
)

func TestCompressed(t *testing.T) {
	c, err := BuildContent(domain, sgtinDL, Attributes{})
	require.NoError(t, err)
	z, err := c.Compressed()
	require.NoError(t, err)
	assert.Equal(t, wantSGTIN, c.URI, "the content it was made from is unchanged")
	assert.Less(t, len(z.URI), len(c.URI))
	assert.Equal(t, c.ElementString, z.ElementString, "the DataMatrix carries the element string either way")

	// The QR code holds the compressed link, which reads back as the code
	// with its data attributes.
	var buf bytes.Buffer
	require.NoError(t, Layout{}.PNG(&buf, Label{Content: z}))
	img, err := png.Decode(&buf)
	require.NoError(t, err)
	got := decode(t, imageToGray(img), gozxing.BarcodeFormat_QR_CODE).GetText()
	assert.Equal(t, z.URI, got)
	dl, err := identifier.ParseDigitalLinkURI(got)
	require.NoError(t, err)
	assert.True(t, dl.Compressed)
	assert.Equal(t, "https://id.gs1.org/01/06901234000016/10/CB2025-05/21/CA25-000901?17=351231", dl.CanonicalURI())

	t.Run("a code with no Digital Link is refused", func(t *testing.T) {
		e, err := BuildContent(domain, ecode, Attributes{})
		require.NoError(t, err)
		_, err = e.Compressed()
		assert.True(t, errors.Is(err, ErrAttribute), "%v", err)
	})
}
