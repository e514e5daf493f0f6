package label

import (
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/datamatrix/encoder"
	"github.com/makiuchi-d/gozxing/qrcode"
	qrdecoder "github.com/makiuchi-d/gozxing/qrcode/decoder"
)

// matrix is a symbol as dark (true) and light modules, row by row, without
// quiet zone: the renderers add the quiet zone the symbology requires.
type matrix [][]bool

func (m matrix) size() int { return len(m) }

// darkRuns calls fn for each horizontal run of n dark modules starting at
// column x of row y. Every output format draws runs rather than single
// modules (fewer shapes), and PDF and SVG put all runs of a symbol into one
// path, filled once, so that no rasteriser opens a seam between them.
func (m matrix) darkRuns(fn func(x, y, n int)) {
	for y, row := range m {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			end := x
			for end < len(row) && row[end] {
				end++
			}
			fn(x, y, end-x)
			x = end
		}
	}
}

// Quiet zones in modules: ISO/IEC 18004 asks 4 around a QR code, ISO/IEC
// 16022 one around a DataMatrix (GS1 recommends more where space allows).
const (
	qrQuiet = 4
	dmQuiet = 2
)

// qrMatrix encodes content as a QR code with error correction M, the level
// GS1 Digital Link guidance recommends for packaging (it survives a scuffed
// corner without making the symbol much larger than L).
func qrMatrix(content string) (matrix, error) {
	hints := map[gozxing.EncodeHintType]interface{}{
		gozxing.EncodeHintType_ERROR_CORRECTION: qrdecoder.ErrorCorrectionLevel_M,
		gozxing.EncodeHintType_MARGIN:           0,
	}
	bm, err := qrcode.NewQRCodeWriter().Encode(content, gozxing.BarcodeFormat_QR_CODE, 0, 0, hints)
	if err != nil {
		return nil, fail(ErrEncode, content, err)
	}
	return fromBitMatrix(bm), nil
}

func fromBitMatrix(bm *gozxing.BitMatrix) matrix {
	m := make(matrix, bm.GetHeight())
	for y := range m {
		m[y] = make([]bool, bm.GetWidth())
		for x := range m[y] {
			m[y][x] = bm.Get(x, y)
		}
	}
	return m
}

// fnc1 is the DataMatrix codeword for Function 1 Symbol Character; in the
// first position it marks the symbol as GS1 DataMatrix.
const fnc1 = 232

// dmSentinels are printable ASCII characters the encoder writes as one
// ASCII-mode codeword (value+1) when they open the message; see gs1DataMatrix.
var dmSentinels = []byte{'!', '#', '&', '*', '+'}

// gs1DataMatrix encodes a GS1 element string (GS as separator) as a square
// GS1 DataMatrix, FNC1 first.
//
// gozxing's DataMatrix writer has no GS1 mode, and the mode choice, padding,
// Reed-Solomon and module placement are the hard parts of an encoder that we
// do not want to write. So the message is encoded with gozxing's high-level
// encoder behind a one-character sentinel that lands as the first, ASCII-mode
// codeword; that codeword is then replaced by FNC1, which is one codeword too,
// so the padding (which depends on positions) stays valid. ECC and placement
// are gozxing's; only the finder and clock tracks around the data regions are
// drawn here. Tests decode the result with gozxing's reader and check the
// "]d2" symbology identifier.
func gs1DataMatrix(elementString string) (matrix, error) {
	for _, s := range dmSentinels {
		cw, err := encoder.EncodeHighLevel(string(s)+elementString, encoder.SymbolShapeHint_FORCE_SQUARE, nil, nil)
		if err != nil {
			return nil, fail(ErrEncode, elementString, err)
		}
		if len(cw) == 0 || cw[0] != s+1 {
			continue // the encoder latched to another mode first; try another sentinel
		}
		cw[0] = fnc1
		info, err := encoder.SymbolInfo_Lookup(len(cw), encoder.SymbolShapeHint_FORCE_SQUARE, nil, nil, true)
		if err != nil {
			return nil, fail(ErrEncode, elementString, err)
		}
		full, err := encoder.ErrorCorrection_EncodeECC200(cw, info)
		if err != nil {
			return nil, fail(ErrEncode, elementString, err)
		}
		p := encoder.NewDefaultPlacement(full, info.GetSymbolDataWidth(), info.GetSymbolDataHeight())
		p.Place()
		return dmLayout(p, info), nil
	}
	return nil, fail(ErrEncode, elementString, errorString("no ASCII-mode start for FNC1"))
}

// dmLayout surrounds each data region with the solid L finder (left and
// bottom) and the alternating clock track (top and right), ISO/IEC 16022 §5.
func dmLayout(p *encoder.DefaultPlacement, info *encoder.SymbolInfo) matrix {
	w, h := info.GetSymbolWidth(), info.GetSymbolHeight()
	rw, rh := info.GetMatrixWidth(), info.GetMatrixHeight()
	m := make(matrix, h)
	for y := range m {
		m[y] = make([]bool, w)
	}
	for y := 0; y < h; y++ {
		ry, iy := y/(rh+2), y%(rh+2)
		for x := 0; x < w; x++ {
			rx, ix := x/(rw+2), x%(rw+2)
			switch {
			case ix == 0 || iy == rh+1: // finder L
				m[y][x] = true
			case iy == 0: // top clock
				m[y][x] = ix%2 == 0
			case ix == rw+1: // right clock
				m[y][x] = iy%2 == 1
			default:
				m[y][x] = p.GetBit(rx*rw+ix-1, ry*rh+iy-1)
			}
		}
	}
	return m
}
