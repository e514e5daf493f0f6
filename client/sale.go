package client

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/tracechain/tracechain/chaincode/model"
)

// saltBytes is the number of random bytes in a sale salt; hex encoded it is
// model.MinSaltLength characters.
const saltBytes = model.MinSaltLength / 2

// Sell sells a unit the calling retailer holds to an end customer, in two
// transactions (model.SellRequest). RecordSale carries the buyer data, with
// a random salt generated here with crypto/rand, as transient data (never
// into the transaction) to the peers of the caller's own organisation only,
// which alone endorse writes to its sales collection; then Sell, endorsed
// like any move and with no buyer data, commits the public record against
// the hashes RecordSale returned. The ledger keeps only the salted hash; the
// seller's collection, which its regulators read, keeps the data itself. A
// zero SalesTime means now. req's hashes are filled in here.
//
// Selling a unit that was already sold is not an error: the result's
// Outcome is model.OutcomeRefusedAlreadySold and a suspected-clone alert
// was committed (AlertID); beyond the organisation's daily quota of clone
// reports (model.MaxCloneReportsPerReporterDay) it is ErrLimit and no report
// is filed. A unit under recall gives ErrRecalled. If Sell
// fails after RecordSale committed, the record stays unused in the seller's
// collection until the next RecordSale of the unit replaces it.
func (c *Client) Sell(ctx context.Context, req model.SellRequest, buyer model.SaleData) (*model.SellResult, error) {
	if buyer.SalesTime.IsZero() {
		buyer.SalesTime = c.now()
	}
	buyer.SalesTime = buyer.SalesTime.UTC()
	salt, err := newSalt(c.random)
	if err != nil {
		return nil, err
	}
	transient, err := json.Marshal(model.SaleTransient{SaleData: buyer, Salt: salt})
	if err != nil {
		return nil, fmt.Errorf("tracechain: encoding sale data: %w", err)
	}
	recArg, err := jsonArg(model.RecordSaleRequest{Code: req.Code, RetentionDays: req.RetentionDays})
	if err != nil {
		return nil, err
	}
	s, err := c.submit(ctx, call{
		Fn:        model.FnRecordSale,
		Args:      []string{recArg},
		Transient: map[string][]byte{model.TransientSaleKey: transient},
		Endorsers: []string{c.MSPID()},
	})
	switch {
	case errors.Is(err, ErrAlreadySold):
		// Sold before: Sell without a record files the clone report.
	case err != nil:
		return nil, err
	default:
		kept, err := decode[model.RecordSaleResult](model.FnRecordSale, s.result)
		if err != nil {
			return nil, err
		}
		req.SaleHash, req.RecordHash = kept.SaleHash, kept.RecordHash
	}
	arg, err := jsonArg(req)
	if err != nil {
		return nil, err
	}
	// Sell's endorsers check the record against the hash their own peers
	// keep: a peer a block behind the seller's does not know it yet
	// (NOT_FOUND). Wait for it a few block intervals.
	for attempt := 1; ; attempt++ {
		s, err = c.submit(ctx, call{Fn: model.FnSell, Args: []string{arg}})
		if err == nil || req.RecordHash == "" || !errors.Is(err, ErrNotFound) || attempt == saleRecordWaits {
			break
		}
		if err := c.sleep(ctx, time.Duration(attempt)*250*time.Millisecond); err != nil {
			return nil, err
		}
	}
	if err != nil {
		return nil, err
	}
	return decode[model.SellResult](model.FnSell, s.result)
}

// saleRecordWaits is how many times Sell is sent while its endorsers' peers
// do not have RecordSale's block yet.
const saleRecordWaits = 5

// newSalt returns saltBytes random bytes, hex encoded.
func newSalt(r io.Reader) (string, error) {
	b := make([]byte, saltBytes)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("tracechain: generating sale salt: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// GetSale returns the private sale record of a sold unit, with the buyer
// data. Only an administrator identity of the seller, of the Regulator or of
// the provincial regulator of the seller's region may read it (ErrForbidden for others); it is read from the caller's own peer.
// The chaincode seals the record with a fresh key that travels only in the
// transient map, so the answer carries no buyer data in clear even if it were
// ever written into a block; GetSale opens it here.
func (c *Client) GetSale(ctx context.Context, code string) (*model.SaleRecord, error) {
	key := make([]byte, model.ReadKeySize)
	if _, err := io.ReadFull(c.random, key); err != nil {
		return nil, fmt.Errorf("tracechain: generating a read key: %w", err)
	}
	raw, err := c.evaluate(ctx, call{Fn: model.FnGetSale, Args: []string{Uncompressed(code)}, Transient: map[string][]byte{model.TransientReadKey: key}})
	if err != nil {
		return nil, err
	}
	sealed, err := decode[model.SealedSale](model.FnGetSale, raw)
	if err != nil {
		return nil, err
	}
	rec, err := sealed.Open(key)
	if err != nil {
		return nil, fmt.Errorf("tracechain: %s: %w", model.FnGetSale, err)
	}
	return rec, nil
}

// PurgeSale deletes the buyer data of a sale after its retention period
// (an administrator of the seller only; ErrBadState before the period ends). The public sale hash
// stays. It returns the transaction ID.
func (c *Client) PurgeSale(ctx context.Context, code string) (string, error) {
	s, err := c.submit(ctx, call{Fn: model.FnPurgeSale, Args: []string{Uncompressed(code)}})
	if err != nil {
		return "", err
	}
	return s.txID, nil
}
