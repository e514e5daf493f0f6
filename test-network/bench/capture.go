package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/epciscapture"
)

// BulkOf10000 is the scenario the capture of a 10,000-event document is
// compared with: CommissionBulk of as many units, in the same run.
const BulkOf10000 = "commission-bulk-10000"

// documentUnits is the size of the commissioning document and of the bulk
// it is compared with; short mode shrinks both to ShortDocumentUnits.
const (
	documentUnits      = 10000
	ShortDocumentUnits = 2000
)

func documentSize(cfg *Config) int {
	if cfg.Short {
		return ShortDocumentUnits
	}
	return documentUnits
}

// documentPlan runs whole documents (or bulks) one at a time: one warm-up
// and three measured in full mode, one in short mode.
func documentPlan(cfg *Config) Plan {
	p := countPlan(3, 1, 1, 0, 1)(cfg)
	p.Workers, p.InFlight = 1, 1
	return p
}

func documentNote(cfg *Config) string {
	if n := documentSize(cfg); n != documentUnits {
		return fmt.Sprintf("short mode: %s units instead of %s", commas(n), commas(documentUnits))
	}
	return ""
}

// prepareBulk commissions documentSize units per operation with the SDK's
// CommissionBulk, as a member's own integration would: chunks of 1,000
// codes, four in flight (the SDK's defaults).
func prepareBulk(_ context.Context, s *suite, _ Plan) (Source, error) {
	mfr := s.conns[OrgManufacturer].sdk
	n := documentSize(s.cfg)
	return func(int) (Op, bool, error) {
		codes, err := s.fx.unitCodes(n)
		if err != nil {
			return Op{}, false, err
		}
		return Op{Units: n, Do: func(ctx context.Context) (int, error) {
			res, err := mfr.CommissionBulk(ctx, s.fx.commissionRequest(codes), client.BulkOptions{})
			if res == nil {
				return 0, err
			}
			return len(res.Chunks), err
		}}, true, nil
	}, nil
}

// prepareCapture captures documentSize units per operation as one EPCIS
// document posted to the capture interface (the epciscapture handler as
// traced serves it, over the manufacturer's SDK client, on loopback), with
// GS1-Capture-Error-Behaviour: proceed, and waits for the job. The documents
// are built beforehand, untimed.
//
// The document is what a production line's MES sends: one ObjectEvent ADD
// per unit, with the unit's one EPC, as units are serialised and pass the
// end-of-line check, the lot and production date in the ILMD, collected
// into one document per upload. (An event per unit is the common shape
// because the MES records each unit's own time; an event listing a whole
// batch in its epcList would be one event, not 10,000.)
func prepareCapture(ctx context.Context, s *suite, p Plan) (Source, error) {
	svc, err := s.captureService()
	if err != nil {
		return nil, err
	}
	n := documentSize(s.cfg)
	count := p.Warmup.Ops + p.Measure.Ops
	docs := make([][]byte, count)
	at := time.Now().UTC()
	for i := range docs {
		codes, err := s.fx.unitCodes(n)
		if err != nil {
			return nil, err
		}
		if docs[i], err = commissioningDocument(codes, s.fx.batch, s.fx.productionDate, at); err != nil {
			return nil, err
		}
	}
	return func(seq int) (Op, bool, error) {
		if seq >= len(docs) {
			return Op{}, false, nil
		}
		return Op{Units: n, Do: func(ctx context.Context) (int, error) { return svc.capture(ctx, docs[seq]) }}, true, nil
	}, ctx.Err()
}

// commissioningDocument is an EPCISDocument of one commissioning event per
// code.
func commissioningDocument(codes []string, batch, productionDate string, at time.Time) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0",`)
	fmt.Fprintf(&b, `"creationDate":%q,"epcisBody":{"eventList":[`, at.Format(time.RFC3339))
	for i, code := range codes {
		if i > 0 {
			b.WriteByte(',')
		}
		// Units pass the line a millisecond apart, as a line's MES stamps them.
		t := at.Add(-time.Duration(len(codes)-i) * time.Millisecond).Format("2006-01-02T15:04:05.000Z")
		epc, err := json.Marshal(code)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, `{"type":"ObjectEvent","eventTime":%q,"eventTimeZoneOffset":"+08:00","epcList":[%s],"action":"ADD","bizStep":"commissioning",`+
			`"disposition":"active","ilmd":{"cbvmda:lotNumber":%q,"cbvmda:productionDate":%q}}`, t, epc, batch, productionDate)
	}
	b.WriteString(`]}}`)
	return b.Bytes(), nil
}

// captureService is the capture interface served on loopback.
type captureService struct {
	base    string
	handler *epciscapture.Handler
	srv     *http.Server
}

// captureService starts the capture interface once per run.
func (s *suite) captureService() (*captureService, error) {
	if s.capture != nil {
		return s.capture, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	// No query index: the scenario measures capture into the ledger. traced
	// with --epcis-index also keeps each posted event verbatim (one SQLite
	// write of the document before its first part is sent), which this leaves
	// out; the feeder that indexes them runs apart from the capture.
	h := epciscapture.New(s.conns[OrgManufacturer].sdk, epciscapture.WithMaxWait(commitStatusTimeout))
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	s.capture = &captureService{base: "http://" + ln.Addr().String(), handler: h, srv: srv}
	return s.capture, nil
}

func (c *captureService) close() {
	_ = c.srv.Close()
	c.handler.Close()
}

// captureClient posts documents and waits for their jobs.
var captureClient = &http.Client{Timeout: commitStatusTimeout + time.Minute}

// capture posts doc in proceed mode and waits for its job; it returns the
// job's transactions, and an error unless every part committed.
func (c *captureService) capture(ctx context.Context, doc []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/capture", bytes.NewReader(doc))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/ld+json")
	req.Header.Set(epciscapture.HeaderErrorBehaviour, string(epciscapture.Proceed))
	var job epciscapture.Job
	if err := c.do(req, http.StatusAccepted, &job); err != nil {
		return 0, err
	}
	req, err = http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/capture/"+job.CaptureID+"?wait="+commitStatusTimeout.String(), nil)
	if err != nil {
		return 0, err
	}
	if err := c.do(req, http.StatusOK, &job); err != nil {
		return 0, err
	}
	if job.Running {
		return len(job.Parts), fmt.Errorf("capture job %s still running after %s", job.CaptureID, commitStatusTimeout)
	}
	if !job.Success {
		var msgs []string
		for _, e := range job.Errors {
			msgs = append(msgs, e.Title+": "+e.Detail)
		}
		return len(job.Parts), errors.New("capture job failed: " + strings.Join(msgs, "; "))
	}
	return len(job.Parts), nil
}

func (c *captureService) do(req *http.Request, want int, v any) error {
	resp, err := captureClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: %s: %s", req.Method, req.URL.Path, resp.Status, b)
	}
	return json.Unmarshal(b, v)
}
