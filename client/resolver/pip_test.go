package resolver_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/resolver"
	"github.com/tracechain/tracechain/client/resolver/resolvertest"
)

// countingProducts is a product ledger that counts its reads and whose
// records the test can change, as UpdateProduct and UpdateMember do.
type countingProducts struct {
	*resolvertest.Verifier
	mu                sync.Mutex
	product           model.Product
	maker             model.Member
	memberErr         error
	products, members int
}

func (c *countingProducts) GetProduct(_ context.Context, g string) (*model.Product, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.products++
	if g != c.product.GTIN {
		return nil, client.ErrNotFound
	}
	p := c.product
	return &p, nil
}

func (c *countingProducts) GetMember(_ context.Context, msp string) (*model.Member, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.members++
	if c.memberErr != nil {
		return nil, c.memberErr
	}
	if msp != c.maker.MSPID {
		return nil, client.ErrNotFound
	}
	m := c.maker
	return &m, nil
}

func (c *countingProducts) reads() (products, members int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.products, c.members
}

func (c *countingProducts) change(f func(*countingProducts)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f(c)
}

// TestProductPagesAreCachedUntilAnUpdate: /pip/ reads the ledger once per
// GTIN, not on every request; ProductUpdated and MemberUpdated make the
// next request read it again, so a renamed product or a suspended maker
// shows at once.
func TestProductPagesAreCachedUntilAnUpdate(t *testing.T) {
	src := &countingProducts{
		Verifier: resolvertest.New(),
		product:  model.Product{GTIN: gtin, Name: "BV 2.5mm² cable", Type: "electric wire and cable", Manufacturer: "MakerMSP"},
		maker:    model.Member{MSPID: "MakerMSP", Role: model.RoleManufacturer, Name: "A Cable Co.", USCC: uscc},
	}
	h := newResolver(src, resolver.WithCacheTTL(time.Hour))
	info := func(path string) resolver.ProductInfo {
		t.Helper()
		w := get(h, path, "Accept", "application/json")
		require.Equal(t, http.StatusOK, w.Code, w.Body.String())
		var i resolver.ProductInfo
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &i))
		return i
	}

	assert.Equal(t, "BV 2.5mm² cable", info("/pip/01/"+gtin).Product.Name)
	assert.Equal(t, "A Cable Co.", info("/pip/01/"+gtin+"/21/SN-1").Producer.Name, "any serial of the GTIN shares the page")
	get(h, "/pip/01/"+gtin, "Accept", browserAccept)
	p, m := src.reads()
	assert.Equal(t, 1, p, "one product read for three requests")
	assert.Equal(t, 1, m, "one member read for three requests")

	t.Run("ProductUpdated", func(t *testing.T) {
		src.change(func(c *countingProducts) { c.product.Name = "BV 2.5mm² cable, new edition" })
		assert.Equal(t, "BV 2.5mm² cable", info("/pip/01/"+gtin).Product.Name, "cached")
		h.Invalidates(client.Event{Event: model.Event{Type: model.EventProductUpdated, GTIN: gtin, Version: 2}})
		assert.Equal(t, "BV 2.5mm² cable, new edition", info("/pip/01/"+gtin).Product.Name)
		p, _ := src.reads()
		assert.Equal(t, 2, p)
	})

	t.Run("MemberUpdated", func(t *testing.T) {
		_, before := src.reads()
		src.change(func(c *countingProducts) { c.maker.Suspended = true })
		assert.False(t, info("/pip/01/"+gtin).Producer.Suspended, "cached")
		h.Invalidates(client.Event{Event: model.Event{Type: model.EventMemberUpdated, MSPID: "MakerMSP"}})
		i := info("/pip/01/" + gtin)
		assert.True(t, i.Producer.Suspended, "the maker's suspension shows on its product page")
		page := get(h, "/pip/01/"+gtin, "Accept", browserAccept).Body.String()
		assert.Contains(t, page, `id="suspended-producer"`, "and the page warns")
		_, m := src.reads()
		assert.Equal(t, before+1, m, "read once more")
	})

	t.Run("not_cached", func(t *testing.T) {
		before, _ := src.reads()
		assert.Equal(t, http.StatusNotFound, get(h, "/pip/01/09506000134376", "Accept", "application/json").Code)
		assert.Equal(t, http.StatusNotFound, get(h, "/pip/01/09506000134376", "Accept", "application/json").Code)
		after, _ := src.reads()
		assert.Equal(t, before+2, after, "an unknown GTIN is asked again: it may be registered next")

		h.InvalidateAll()
		src.change(func(c *countingProducts) { c.memberErr = errors.New("rpc error: code = Unavailable") })
		assert.Nil(t, info("/pip/01/"+gtin).Producer, "no producer while its record cannot be read")
		src.change(func(c *countingProducts) { c.memberErr = nil })
		assert.NotNil(t, info("/pip/01/"+gtin).Producer, "asked again, not cached without it")
	})

	t.Run("TTL_zero_disables_it", func(t *testing.T) {
		off := newResolver(src, resolver.WithCacheTTL(0))
		before, _ := src.reads()
		info := func() { require.Equal(t, http.StatusOK, get(off, "/pip/01/"+gtin, "Accept", "application/json").Code) }
		info()
		info()
		after, _ := src.reads()
		assert.Equal(t, before+2, after)
	})
}
