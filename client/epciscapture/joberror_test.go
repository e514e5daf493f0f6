package epciscapture_test

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"sync"
	"testing"

	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/epcisapi"
	"github.com/tracechain/tracechain/client/epciscapture"
)

// syncBuffer is a log the job goroutines write while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestCaptureJobErrorsCarryNoLedgerInternals: a job report, which GET
// /capture/{id} returns, keeps the chaincode's refusals whole (the member's
// client must correct its document) but gives any other failure's text
// (gRPC, TLS, peer addresses, the chaincode's INTERNAL) only to the log,
// under the reference the report carries.
func TestCaptureJobErrorsCarryNoLedgerInternals(t *testing.T) {
	const secret = "10.0.0.7:7051"
	for _, tc := range []struct {
		name   string
		err    error
		title  string
		status int
		code   string
		txID   string
		detail string // also in the report, besides the reference
	}{
		{"a_transport_failure", &client.TransportError{Op: "endorse", TxID: "tx7", Code: codes.Unavailable,
			Err: status.Error(codes.Unavailable, "connection error: dial tcp "+secret+": connect: connection refused")},
			"Ledger unavailable", http.StatusServiceUnavailable, "", "tx7", "none of its events is on the ledger"},
		{"an_untyped_error", errors.New("x509: certificate signed by unknown authority (peer0 at " + secret + ")"),
			"Ledger unavailable", http.StatusServiceUnavailable, "", "", "none of its events is on the ledger"},
		{"the_chaincode's_INTERNAL", &client.ChaincodeError{Code: model.CodeInternal, Message: "leveldb: read " + secret + " failed", TxID: "tx8"},
			"Ledger failure", http.StatusInternalServerError, "INTERNAL", "tx8", ""},
		{"an_invalidated_transaction", &client.CommitError{TxID: "tx9", ValidationCode: peer.TxValidationCode_MVCC_READ_CONFLICT, BlockNumber: 4},
			"Not committed", http.StatusConflict, "", "tx9", "MVCC_READ_CONFLICT"},
		{"an_unknown_outcome", &client.OutcomeUnknownError{TxID: "tx10", Err: errors.New("commit status from " + secret + ": EOF")},
			"Outcome unknown", http.StatusGatewayTimeout, "", "tx10", "look its transaction up"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log syncBuffer
			l := &ledger{refuse: func(int, []byte) error { return tc.err }}
			s := newService(t, l, epciscapture.WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
			j := s.capture(t, document(units(1)...), nil)
			require.Len(t, j.Errors, 1)
			e := j.Errors[0]
			assert.Equal(t, epcisapi.ImplementationException, e.Type)
			assert.Equal(t, tc.title, e.Title)
			assert.Equal(t, tc.status, e.Status)
			assert.Equal(t, tc.code, e.Code)
			assert.Equal(t, tc.txID, e.TxID, "the transaction to look up stays")
			assert.Contains(t, e.Detail, tc.detail)
			assert.NotContains(t, e.Detail, secret, "the cause is not reported")
			assert.Equal(t, e, *j.Parts[0].Error)
			ref := regexp.MustCompile(`ref=([0-9a-f]{16})`).FindStringSubmatch(log.String())
			require.NotNil(t, ref, "logged with a reference: %q", log.String())
			assert.Contains(t, log.String(), tc.err.Error(), "the cause is logged")
			assert.Contains(t, log.String(), j.CaptureID)
			assert.Contains(t, e.Detail, "reference "+ref[1])
		})
	}

	t.Run("a_refusal_is_reported_whole", func(t *testing.T) {
		var log syncBuffer
		refusal := &client.ChaincodeError{Code: model.CodeNotHolder, Message: "event 0 (/epcisBody/eventList/0, Ship): not the holder",
			Subject: "/epcisBody/eventList/0/epcList/0", TxID: "tx3"}
		s := newService(t, &ledger{refuse: func(int, []byte) error { return refusal }},
			epciscapture.WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
		e := s.capture(t, document(units(1)...), nil).Errors[0]
		assert.Equal(t, epciscapture.JobError{Type: epciscapture.ValidationException, Title: "Refused by the ledger", Status: http.StatusForbidden,
			Detail: refusal.Message, Code: "NOT_HOLDER", Subject: refusal.Subject, TxID: "tx3"}, e)
		assert.Empty(t, log.String(), "a refusal is the client's to correct, not an incident")

		// A Ledger that returns the chaincode's model.Error itself.
		s = newService(t, &ledger{refuse: func(int, []byte) error {
			return &model.Error{Code: model.CodeDuplicate, Message: "event 0 already captured", Subject: "/epcisBody/eventList/0"}
		}})
		e = s.capture(t, document(units(1)...), nil).Errors[0]
		assert.Equal(t, "DUPLICATE", e.Code)
		assert.Equal(t, "event 0 already captured", e.Detail)
		assert.Equal(t, http.StatusConflict, e.Status)
	})
}
