package label

import (
	"fmt"
	"math"
)

// The X-dimension (module size) range of GS1 General Specifications
// Release 26.0, symbol specification table 1 addendum 2 (2D barcodes on
// trade items scanned at retail point of sale; GenSpecs table 5-46), the
// application of tracechain's unit labels: minimum 0.396 mm, target
// 0.495 mm, maximum 0.990 mm for QR Code with a GS1 Digital Link URI and for
// GS1 DataMatrix. See docs/labels.md.
const (
	MinXDim = 0.396
	MaxXDim = 0.990
	// DefaultXDim is the target X-dimension rounded to whole dots of 150,
	// 300 and 600 dpi printers: 0.508 mm is 1/50 inch, 3, 6 and 12 dots.
	DefaultXDim = 0.508
)

// xdimRange says whether x (mm) is an X-dimension the labels may use.
func xdimRange(x float64) error {
	if x < MinXDim-1e-9 || x > MaxXDim+1e-9 || math.IsNaN(x) {
		return fail(ErrLayout, fmt.Sprintf("%g mm", x),
			errorString(fmt.Sprintf("the X-dimension must be %g to %g mm (GS1 symbol specification table 1)", MinXDim, MaxXDim)))
	}
	return nil
}

// moduleSize picks the module size of a symbol of n modules plus quiet
// modules of quiet zone on each side that must fit into room mm: want if it
// fits, else the largest that fits, never below MinXDim. dot is the pixel
// pitch in mm of a raster output (0 for vector output): the module is then
// a whole number of pixels, and the nearest one to want inside the range.
func moduleSize(want float64, n, quiet int, room float64, dot float64) (float64, error) {
	total := float64(n + 2*quiet)
	x := want
	if dot > 0 {
		k := math.Max(1, math.Round(want/dot))
		if k*dot < MinXDim-1e-9 {
			k = math.Ceil((MinXDim - 1e-9) / dot)
		}
		if k*dot > MaxXDim+1e-9 && k > 1 {
			k = math.Floor((MaxXDim + 1e-9) / dot)
		}
		x = k * dot
	}
	if x*total <= room+1e-9 {
		return x, nil
	}
	x = room / total
	if dot > 0 {
		x = math.Floor(x/dot+1e-9) * dot
	}
	if x < MinXDim-1e-9 {
		return 0, fail(ErrLayout, fmt.Sprintf("%d modules", n),
			errorString(fmt.Sprintf("the symbol needs %.1f mm at the minimum X-dimension %g mm; the label leaves %.1f mm",
				total*MinXDim, MinXDim, room)))
	}
	return x, nil
}
