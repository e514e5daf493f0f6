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

// maxCacheEntries bounds the cache's memory: codes are attacker-chosen.
const maxCacheEntries = 10000

type cacheEntry struct {
	v       *model.Verification
	expires time.Time
}

// verdictCache is an in-memory map from canonical code to the ledger's
// answer, safe for concurrent use. A zero TTL disables it.
type verdictCache struct {
	mu  sync.Mutex
	ttl time.Duration
	m   map[string]cacheEntry
	// hits and misses count lookups, for the benchmark's hit rate.
	hits, misses uint64
}

func newVerdictCache(ttl time.Duration) *verdictCache {
	return &verdictCache{ttl: ttl, m: map[string]cacheEntry{}}
}

func (c *verdictCache) get(key string, now time.Time) (*model.Verification, bool) {
	if c.ttl <= 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || !now.Before(e.expires) {
		c.misses++
		return nil, false
	}
	c.hits++
	return e.v, true
}

func (c *verdictCache) put(key string, v *model.Verification, now time.Time) {
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
	c.m[key] = cacheEntry{v: v, expires: now.Add(c.ttl)}
}

func (c *verdictCache) invalidate(key string) {
	c.mu.Lock()
	delete(c.m, key)
	c.mu.Unlock()
}

func (c *verdictCache) stats() (hits, misses uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses
}

func (c *verdictCache) clear() {
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

// InvalidateAll forgets every cached verdict: for a change whose reach the
// event does not list, such as a batch recall or a container decommissioned
// with its contents.
func (h *Resolver) InvalidateAll() { h.cache.clear() }

// CacheStats returns how many verdict lookups the cache answered and how many
// went to the ledger.
func (h *Resolver) CacheStats() (hits, misses uint64) { return h.cache.stats() }
