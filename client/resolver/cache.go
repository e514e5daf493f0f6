package resolver

import (
	"sync"
	"time"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
)

// DefaultCacheTTL is how long a verdict is reused. It is short because a
// verdict changes with the ledger (a sale, a recall): two seconds absorb a
// burst of scans of one code (a shelf of phones, a scanner retrying)
// without showing a stale answer for long. Invalidate drops an entry sooner.
const DefaultCacheTTL = 2 * time.Second

// maxCacheEntries bounds each cache's memory: codes and GTINs are
// attacker-chosen.
const maxCacheEntries = 10000

type cacheEntry[V any] struct {
	v       V
	expires time.Time
}

// ttlCache is an in-memory map from a ledger key to what the ledger
// answered for it, at most maxCacheEntries, safe for concurrent use. A zero
// TTL disables it. The resolver keeps two: verdicts by canonical code and
// product pages by GTIN.
type ttlCache[V any] struct {
	mu  sync.Mutex
	ttl time.Duration
	m   map[string]cacheEntry[V]
	// hits and misses count lookups, for the benchmark's hit rate.
	hits, misses uint64
}

// verdictCache holds the ledger's answers by canonical code.
type verdictCache = ttlCache[*model.Verification]

func newVerdictCache(ttl time.Duration) *verdictCache { return newTTLCache[*model.Verification](ttl) }

func newTTLCache[V any](ttl time.Duration) *ttlCache[V] {
	return &ttlCache[V]{ttl: ttl, m: map[string]cacheEntry[V]{}}
}

func (c *ttlCache[V]) get(key string, now time.Time) (V, bool) {
	var zero V
	if c.ttl <= 0 {
		return zero, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || !now.Before(e.expires) {
		c.misses++
		return zero, false
	}
	c.hits++
	return e.v, true
}

func (c *ttlCache[V]) put(key string, v V, now time.Time) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxCacheEntries {
		for k, e := range c.m {
			if !now.Before(e.expires) {
				delete(c.m, k)
			}
		}
		// Still full of live entries: drop arbitrary ones rather than grow;
		// a miss only costs a ledger query.
		for k := range c.m {
			if len(c.m) < maxCacheEntries {
				break
			}
			delete(c.m, k)
		}
	}
	c.m[key] = cacheEntry[V]{v: v, expires: now.Add(c.ttl)}
}

func (c *ttlCache[V]) invalidate(key string) {
	c.mu.Lock()
	delete(c.m, key)
	c.mu.Unlock()
}

func (c *ttlCache[V]) stats() (hits, misses uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses
}

func (c *ttlCache[V]) clear() {
	c.mu.Lock()
	clear(c.m)
	c.mu.Unlock()
}

// cacheKey is the ledger key of code, so every written form of one code
// shares an entry; a code that does not parse is its own key.
func cacheKey(code string) string {
	if c, err := identifier.Parse(code); err == nil {
		return c.Canonical
	}
	return code
}

// Invalidate forgets the cached verdict of code, in any accepted form, so
// the next scan asks the ledger. Wire it to the chaincode events of a
// committed block (sale, recall, decommissioning, alert decision) to make a
// change visible before the TTL ends.
func (h *Resolver) Invalidate(code string) {
	h.cache.invalidate(cacheKey(code))
}

// InvalidateAll forgets every cached verdict and product page: for a
// change whose reach the event does not list, such as a batch recall, a
// container decommissioned with its contents, or a member's or product's
// record, which shows on every answer and product page naming it.
func (h *Resolver) InvalidateAll() {
	h.cache.clear()
	h.products.clear()
}

// CacheStats returns how many verdict lookups the cache answered and how many
// went to the ledger.
func (h *Resolver) CacheStats() (hits, misses uint64) { return h.cache.stats() }
