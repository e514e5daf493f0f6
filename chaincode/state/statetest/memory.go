// Package statetest provides an in-memory world state for tests of code that
// runs on a state.Store, as net/http/httptest does for HTTP handlers: a
// Memory holds committed state and private data, and each simulated
// transaction is a MemoryTx that implements state.Store.
package statetest

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"github.com/tracechain/tracechain/chaincode/state"
	"maps"
	"slices"
	"sort"
	"sync"
	"time"
)

// Memory is an in-memory world state with private data collections, for unit
// tests. Each simulated transaction is a MemoryTx obtained from Begin; its
// writes reach the Memory only on Commit, so, as on a Fabric peer, a
// transaction never reads its own writes.
type Memory struct {
	mu      sync.Mutex
	public  map[string][]byte
	private map[string]map[string][]byte
	sorted  []string // sorted keys of public, rebuilt lazily
	dirty   bool
}

// NewMemory returns an empty world state.
func NewMemory() *Memory {
	return &Memory{public: map[string][]byte{}, private: map[string]map[string][]byte{}}
}

// Tx identifies a simulated transaction.
type Tx struct {
	MSPID     string
	Admin     bool // the signer is an administrator of its organisation
	TxID      string
	Time      time.Time
	Transient map[string][]byte
}

// Begin starts simulating a transaction against the committed state.
func (m *Memory) Begin(tx Tx) *MemoryTx {
	return &MemoryTx{mem: m, tx: tx, writes: map[string]memWrite{}, private: map[string]map[string]memWrite{}, readKeys: map[string]bool{}}
}

// Value returns the committed value of key (nil if absent), for assertions.
func (m *Memory) Value(key string) []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.public[key]
}

// PrivateValue returns the committed private value, for assertions.
func (m *Memory) PrivateValue(collection, key string) []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.private[collection][key]
}

// Len returns the number of committed public keys.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.public)
}

func (m *Memory) keysIn(start, end string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.dirty || m.sorted == nil {
		m.sorted = slices.Sorted(maps.Keys(m.public))
		m.dirty = false
	}
	lo := sort.SearchStrings(m.sorted, start)
	hi := sort.SearchStrings(m.sorted, end)
	return slices.Clone(m.sorted[lo:hi])
}

// Stats counts what one transaction did.
type Stats struct {
	Reads         int // keys read with Get or GetMany
	GetCalls      int // Get calls
	GetManyCalls  int // GetMany calls
	Scanned       int // entries returned by Scan and ScanPage
	Writes        int // distinct public keys in the write set (puts and deletes)
	PrivateWrites int // distinct private keys written or purged
	Events        int // SetEvent calls
}

type memWrite struct {
	value  []byte
	delete bool
	purge  bool
}

// MemoryTx is one simulated transaction; it implements Store.
type MemoryTx struct {
	mem       *Memory
	tx        Tx
	writes    map[string]memWrite
	private   map[string]map[string]memWrite
	stats     Stats
	eventName string
	eventBody []byte
	paginated bool
	committed bool
	readKeys  map[string]bool
}

var _ state.Store = (*MemoryTx)(nil)

// ClientMSPID implements Store.
func (t *MemoryTx) ClientMSPID() string { return t.tx.MSPID }

// ClientIsAdmin implements Store.
func (t *MemoryTx) ClientIsAdmin() bool { return t.tx.Admin }

// TxID implements Store.
func (t *MemoryTx) TxID() string { return t.tx.TxID }

// TxTime implements Store.
func (t *MemoryTx) TxTime() time.Time { return t.tx.Time.UTC() }

// Transient implements Store.
func (t *MemoryTx) Transient(key string) ([]byte, error) { return t.tx.Transient[key], nil }

// Get implements Store.
func (t *MemoryTx) Get(key string) ([]byte, error) {
	if key == "" {
		return nil, errors.New("empty key")
	}
	t.stats.GetCalls++
	t.stats.Reads++
	t.readKeys[key] = true
	return t.mem.Value(key), nil
}

// GetMany implements Store.
func (t *MemoryTx) GetMany(keys []string) ([][]byte, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	t.stats.GetManyCalls++
	t.stats.Reads += len(keys)
	out := make([][]byte, len(keys))
	t.mem.mu.Lock()
	defer t.mem.mu.Unlock()
	for i, k := range keys {
		out[i] = t.mem.public[k]
		t.readKeys[k] = true
	}
	return out, nil
}

func (t *MemoryTx) checkWrite(key string) error {
	if key == "" {
		return errors.New("empty key")
	}
	if t.paginated {
		return errors.New("transaction has already performed a paginated query: writes are not allowed")
	}
	return nil
}

// Put implements Store.
func (t *MemoryTx) Put(key string, value []byte) error {
	if err := t.checkWrite(key); err != nil {
		return err
	}
	if len(value) == 0 {
		return fmt.Errorf("empty value for key %q", key)
	}
	t.writes[key] = memWrite{value: slices.Clone(value)}
	return nil
}

// Delete implements Store.
func (t *MemoryTx) Delete(key string) error {
	if err := t.checkWrite(key); err != nil {
		return err
	}
	t.writes[key] = memWrite{delete: true}
	return nil
}

// CreateKey implements Store.
func (t *MemoryTx) CreateKey(objectType string, attrs ...string) (string, error) {
	return state.CompositeKey(objectType, attrs...)
}

// SplitKey implements Store.
func (t *MemoryTx) SplitKey(key string) (string, []string, error) {
	return state.SplitCompositeKey(key)
}

// Scan implements Store.
func (t *MemoryTx) Scan(objectType string, attrs []string, fn func(state.KV) error) error {
	start, end, err := state.PrefixRange(objectType, attrs)
	if err != nil {
		return err
	}
	for _, k := range t.mem.keysIn(start, end) {
		v := t.mem.Value(k)
		if v == nil {
			continue
		}
		t.stats.Scanned++
		t.readKeys[k] = true
		if err := fn(state.KV{Key: k, Value: v}); err != nil {
			return err
		}
	}
	return nil
}

// ScanPage implements Store. The bookmark is the first key of the next page.
func (t *MemoryTx) ScanPage(objectType string, attrs []string, pageSize int32, bookmark string) (state.Page, error) {
	if len(t.writes) > 0 || len(t.private) > 0 {
		return state.Page{}, errors.New("paginated queries are supported only in a read-only transaction")
	}
	if pageSize <= 0 {
		return state.Page{}, errors.New("page size must be positive")
	}
	t.paginated = true
	start, end, err := state.PrefixRange(objectType, attrs)
	if err != nil {
		return state.Page{}, err
	}
	if bookmark != "" {
		if bookmark < start || bookmark >= end {
			return state.Page{}, fmt.Errorf("bookmark outside the queried range")
		}
		start = bookmark
	}
	keys := t.mem.keysIn(start, end)
	var page state.Page
	for i, k := range keys {
		if i == int(pageSize) {
			page.Bookmark = k
			break
		}
		t.stats.Scanned++
		page.Entries = append(page.Entries, state.KV{Key: k, Value: t.mem.Value(k)})
	}
	return page, nil
}

// GetPrivate implements Store.
func (t *MemoryTx) GetPrivate(collection, key string) ([]byte, error) {
	t.stats.Reads++
	return t.mem.PrivateValue(collection, key), nil
}

// GetPrivateHash implements Store: the SHA-256 of the committed value, as
// a Fabric peer keeps it for members and non-members alike.
func (t *MemoryTx) GetPrivateHash(collection, key string) ([]byte, error) {
	t.stats.Reads++
	v := t.mem.PrivateValue(collection, key)
	if v == nil {
		return nil, nil
	}
	h := sha256.Sum256(v)
	return h[:], nil
}

func (t *MemoryTx) putPrivate(collection, key string, w memWrite) error {
	if collection == "" {
		return errors.New("empty collection")
	}
	if err := t.checkWrite(key); err != nil {
		return err
	}
	if t.private[collection] == nil {
		t.private[collection] = map[string]memWrite{}
	}
	t.private[collection][key] = w
	return nil
}

// PutPrivate implements Store.
func (t *MemoryTx) PutPrivate(collection, key string, value []byte) error {
	if len(value) == 0 {
		return fmt.Errorf("empty value for key %q", key)
	}
	return t.putPrivate(collection, key, memWrite{value: slices.Clone(value)})
}

// PurgePrivate implements Store.
func (t *MemoryTx) PurgePrivate(collection, key string) error {
	return t.putPrivate(collection, key, memWrite{purge: true})
}

// SetEvent implements Store.
func (t *MemoryTx) SetEvent(name string, payload []byte) error {
	if name == "" {
		return errors.New("event name can not be empty")
	}
	t.stats.Events++
	t.eventName, t.eventBody = name, slices.Clone(payload)
	return nil
}

// Event returns the chaincode event the transaction set last.
func (t *MemoryTx) Event() (string, []byte) { return t.eventName, t.eventBody }

// Stats returns the transaction's read and write counts so far.
func (t *MemoryTx) Stats() Stats {
	s := t.stats
	s.Writes = len(t.writes)
	for _, c := range t.private {
		s.PrivateWrites += len(c)
	}
	return s
}

// ReadKeys returns the sorted public keys read by Get, GetMany and Scan.
func (t *MemoryTx) ReadKeys() []string { return slices.Sorted(maps.Keys(t.readKeys)) }

// WrittenKeys returns the sorted keys of the public write set.
func (t *MemoryTx) WrittenKeys() []string { return slices.Sorted(maps.Keys(t.writes)) }

// Committed reports whether Commit was called.
func (t *MemoryTx) Committed() bool { return t.committed }

// Commit applies the write set to the Memory. A transaction commits once.
func (t *MemoryTx) Commit() error {
	if t.committed {
		return errors.New("transaction already committed")
	}
	t.committed = true
	m := t.mem
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, w := range t.writes {
		if w.delete {
			delete(m.public, k)
		} else {
			m.public[k] = w.value
		}
	}
	if len(t.writes) > 0 {
		m.dirty = true
	}
	for c, ws := range t.private {
		if m.private[c] == nil {
			m.private[c] = map[string][]byte{}
		}
		for k, w := range ws {
			if w.purge || w.delete {
				delete(m.private[c], k)
			} else {
				m.private[c][k] = w.value
			}
		}
	}
	return nil
}
