package lifecycle

import (
	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/chaincode/model"
)

// CaptureParsed is CaptureEvents for events already parsed, so that a test can
// check the ledger's rules on what a Capture holds, whatever the parser of the
// day fills in.
func (l *Ledger) CaptureParsed(caps []epcis.Capture) (*model.CaptureResult, error) {
	if err := l.checkTime(); err != nil {
		return nil, err
	}
	m, err := l.reg.Caller()
	if err != nil {
		return nil, err
	}
	return l.captureAll(m, caps)
}

// MaxPackings is maxPackings, for tests.
const MaxPackings = maxPackings
