//go:build integration

package integration

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/test-network/benchcc"
)

// testNoPanicReachesTheShim sends, to one peer at a time, a proposal whose
// transaction panics (the baseline chaincode's Panic, served through the
// same guard as tracechain) and the old crash shape of CaptureEvents (a
// document whose case-variant epcisBody made the hashed and the parsed event
// counts differ). Each is refused, and then an ordinary write endorsed by
// that same peer commits, on both chaincodes: the chaincode servers stayed
// up. Before the guard, such a proposal ended the peer's chaincode server.
func testNoPanicReachesTheShim(t *testing.T, s *suite) {
	gtin := s.newGTIN(s.prefixA)
	mustSubmit[model.Product](t, s.ma, model.FnRegisterProduct, model.ProductRequest{GTIN: gtin, Name: "guarded cable", Type: "cable", Licence: s.licenceA})
	for _, m := range []*member{s.ma, s.dist} {
		other := s.ret
		bench := m.Network.GetContract(benchcc.Chaincode)

		_, err := endorseOn(bench, benchcc.FnPanic, []string{"a,b"}, nil, m.msp)
		e := requireCode(t, err, model.CodeInternal, "Panic on %s's peer", m.msp)
		assert.Equal(t, benchcc.FnPanic, e.Subject, "the refusal names the transaction function")
		assert.Contains(t, e.Message, benchcc.FnPanic)

		key := fmt.Sprintf("%s-after-panic-%s", s.run, m.org)
		prop, err := bench.NewProposal(benchcc.FnPut, client.WithArguments(key, "up"), client.WithEndorsingOrganizations(m.msp, other.msp))
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		c, err := m.submitProposal(ctx, prop)
		cancel()
		require.NoError(t, err, "a baseline write endorsed by %s's peer after the panic", m.msp)
		require.NoError(t, s.settle(c.Block))

		// The old crash shape of CaptureEvents, to the same peer.
		doc := crashShape(s, gtin)
		_, err = endorseOn(m.Contract, model.FnCaptureEvents, []string{model.CaptureDigest(doc)},
			map[string][]byte{model.TransientCaptureKey: doc}, m.msp)
		requireCode(t, err, model.CodeInvalidArgument, "the crash shape on %s's peer", m.msp)
	}
	// An ordinary tracechain write that both peers endorse.
	codes := units(gtin, s.serials("up", 1))
	_, err := s.ma.submitRaw(model.FnCommission, model.CommissionRequest{GTIN: gtin, Batch: s.batch("up"), ProductionDate: today(), Codes: codes},
		client.WithEndorsingOrganizations(s.ma.msp, s.dist.msp))
	require.NoError(t, err, "a tracechain write endorsed by both peers after the refusals")
}

// endorseOn endorses fn on the peers of orgs only and returns the result.
func endorseOn(contract *client.Contract, fn string, args []string, transient map[string][]byte, orgs ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	opts := []client.ProposalOption{client.WithArguments(args...), client.WithEndorsingOrganizations(orgs...)}
	if transient != nil {
		opts = append(opts, client.WithTransient(transient))
	}
	prop, err := contract.NewProposal(fn, opts...)
	if err != nil {
		return nil, err
	}
	tx, err := prop.EndorseWithContext(ctx)
	if err != nil {
		return nil, err
	}
	return tx.Result(), nil
}

// crashShape is an EPCISDocument with epcisBody (one event) and a
// case-variant EPCISBody (two events): a hash of the exact keys and a
// case-insensitive decoding counted different events.
func crashShape(s *suite, gtin string) []byte {
	at := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	ev := func(serial string) string {
		return fmt.Sprintf(`{"type":"ObjectEvent","eventTime":%q,"eventTimeZoneOffset":"+00:00","epcList":[%q],"action":"OBSERVE","bizStep":"receiving"}`,
			at, sgtin(gtin, serial))
	}
	one, two := s.serials("crash", 2)[0], s.serials("crash", 2)[1]
	return fmt.Appendf(nil, `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0",`+
		`"creationDate":%q,"epcisBody":{"eventList":[%s]},"EPCISBody":{"eventList":[%s,%s]}}`, at, ev(one), ev(one), ev(two))
}
