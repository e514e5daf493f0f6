// Package shimstore implements state.Store on a Fabric chaincode stub. Bulk
// reads go through GetMultipleStates and writes are buffered with the shim's
// write batch (Fabric 3.1), so a transaction touching thousands of keys costs
// a handful of round trips to the peer instead of one per key.
package shimstore

import (
	"errors"
	"fmt"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/tracechain/tracechain/chaincode/state"
)

// Store is the Fabric-backed state.Store of one transaction.
type Store struct {
	stub      shim.ChaincodeStubInterface
	mspID     string
	admin     bool
	batching  bool
	transient map[string][]byte
	loaded    bool
	// read caches committed values. Fabric reads never see the transaction's own
	// writes, so a cached read answers exactly what the peer would, one round trip
	// fewer; GetMany fills it, which lets a caller fetch keys it needs later at once.
	read map[string][]byte
}

var _ state.Store = (*Store)(nil)

// New wraps stub for a transaction submitted by an identity of mspID; admin
// says whether that identity is an administrator of its organisation.
func New(stub shim.ChaincodeStubInterface, mspID string, admin bool) *Store {
	return &Store{stub: stub, mspID: mspID, admin: admin}
}

// Flush sends the buffered writes to the peer. Call it once the domain
// operation succeeded; the shim would also send them at the end of the
// transaction, but flushing here surfaces write errors as the function's error.
func (s *Store) Flush() error {
	if !s.batching {
		return nil
	}
	s.batching = false
	return s.stub.FinishWriteBatch()
}

func (s *Store) startBatch() {
	if !s.batching {
		s.stub.StartWriteBatch()
		s.batching = true
	}
}

// ClientMSPID implements state.Store.
func (s *Store) ClientMSPID() string { return s.mspID }

// ClientIsAdmin implements state.Store.
func (s *Store) ClientIsAdmin() bool { return s.admin }

// TxID implements state.Store.
func (s *Store) TxID() string { return s.stub.GetTxID() }

// TxTime implements state.Store. A missing timestamp yields the zero time;
// the domain refuses to work with it.
func (s *Store) TxTime() time.Time {
	ts, err := s.stub.GetTxTimestamp()
	if err != nil || ts == nil {
		return time.Time{}
	}
	return ts.AsTime().UTC()
}

// Transient implements state.Store.
func (s *Store) Transient(key string) ([]byte, error) {
	if !s.loaded {
		m, err := s.stub.GetTransient()
		if err != nil {
			return nil, fmt.Errorf("reading transient data: %w", err)
		}
		s.transient, s.loaded = m, true
	}
	return s.transient[key], nil
}

// Get implements state.Store.
func (s *Store) Get(key string) ([]byte, error) {
	if v, ok := s.read[key]; ok {
		return v, nil
	}
	v, err := s.stub.GetState(key)
	if err != nil {
		return nil, err
	}
	s.remember(key, v)
	return v, nil
}

// GetMany implements state.Store. Keys already read are answered from the
// cache; the rest take one GetMultipleStates round trip.
func (s *Store) GetMany(keys []string) ([][]byte, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	var missing []string
	for _, k := range keys {
		if _, ok := s.read[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		vals, err := s.stub.GetMultipleStates(missing...)
		if err != nil {
			return nil, err
		}
		if len(vals) != len(missing) {
			return nil, fmt.Errorf("GetMultipleStates returned %d values for %d keys", len(vals), len(missing))
		}
		for i, k := range missing {
			s.remember(k, vals[i])
		}
	}
	out := make([][]byte, len(keys))
	for i, k := range keys {
		out[i] = s.read[k]
	}
	return out, nil
}

func (s *Store) remember(key string, v []byte) {
	if s.read == nil {
		s.read = map[string][]byte{}
	}
	s.read[key] = v
}

// Put implements state.Store.
func (s *Store) Put(key string, value []byte) error {
	if len(value) == 0 {
		return fmt.Errorf("empty value for key %q", key)
	}
	s.startBatch()
	return s.stub.PutState(key, value)
}

// Delete implements state.Store.
func (s *Store) Delete(key string) error {
	s.startBatch()
	return s.stub.DelState(key)
}

// CreateKey implements state.Store.
func (s *Store) CreateKey(objectType string, attrs ...string) (string, error) {
	return s.stub.CreateCompositeKey(objectType, attrs)
}

// SplitKey implements state.Store.
func (s *Store) SplitKey(key string) (string, []string, error) {
	return s.stub.SplitCompositeKey(key)
}

// Scan implements state.Store.
func (s *Store) Scan(objectType string, attrs []string, fn func(state.KV) error) error {
	it, err := s.stub.GetStateByPartialCompositeKey(objectType, attrs)
	if err != nil {
		return err
	}
	defer it.Close()
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return err
		}
		if err := fn(state.KV{Key: kv.GetKey(), Value: kv.GetValue()}); err != nil {
			return err
		}
	}
	return nil
}

// ScanPage implements state.Store.
func (s *Store) ScanPage(objectType string, attrs []string, pageSize int32, bookmark string) (state.Page, error) {
	if pageSize <= 0 {
		return state.Page{}, errors.New("page size must be positive")
	}
	if bookmark != "" {
		// The peer starts the scan at the bookmark without checking it
		// against the partial key, so a caller's bookmark could make a paged
		// read return entries of other object types (as statetest refuses).
		start, end, err := state.PrefixRange(objectType, attrs)
		if err != nil {
			return state.Page{}, err
		}
		if bookmark < start || bookmark >= end {
			return state.Page{}, errors.New("bookmark outside the queried range")
		}
	}
	it, meta, err := s.stub.GetStateByPartialCompositeKeyWithPagination(objectType, attrs, pageSize, bookmark)
	if err != nil {
		return state.Page{}, err
	}
	defer it.Close()
	var page state.Page
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return state.Page{}, err
		}
		page.Entries = append(page.Entries, state.KV{Key: kv.GetKey(), Value: kv.GetValue()})
	}
	// A short page is the last one, whatever bookmark the peer returns.
	if meta != nil && len(page.Entries) == int(pageSize) {
		page.Bookmark = meta.GetBookmark()
	}
	return page, nil
}

// GetPrivate implements state.Store.
func (s *Store) GetPrivate(collection, key string) ([]byte, error) {
	return s.stub.GetPrivateData(collection, key)
}

// GetPrivateHash implements state.Store.
func (s *Store) GetPrivateHash(collection, key string) ([]byte, error) {
	return s.stub.GetPrivateDataHash(collection, key)
}

// PutPrivate implements state.Store.
func (s *Store) PutPrivate(collection, key string, value []byte) error {
	if len(value) == 0 {
		return fmt.Errorf("empty value for key %q", key)
	}
	s.startBatch()
	return s.stub.PutPrivateData(collection, key, value)
}

// PurgePrivate implements state.Store.
func (s *Store) PurgePrivate(collection, key string) error {
	s.startBatch()
	return s.stub.PurgePrivateData(collection, key)
}

// SetEvent implements state.Store.
func (s *Store) SetEvent(name string, payload []byte) error { return s.stub.SetEvent(name, payload) }
