package resolver

import "github.com/tracechain/tracechain/chaincode/model"

// ScanObserver is shown every verification the service answers a scan with
// (/verify, where a Digital Link's QR code leads): the verdict, already
// computed, and the GTIN-14 of the scanned code ("" when it has none). It is
// called on the request path and must not block; it is given nothing about
// the client. *scansignal.Detector is one: it turns repeated scans of sold
// units and of unknown serials into signals for the Regulator.
type ScanObserver interface {
	Observe(v *model.Verification, gtin string)
}

// WithScanObserver shows every answered scan to o.
func WithScanObserver(o ScanObserver) Option { return func(h *Resolver) { h.scans = o } }
