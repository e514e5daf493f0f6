// Package state defines Store, the narrow view of the ledger that the
// tracechain domain packages work against, and Memory, an in-memory Store for
// unit tests that behaves like a Fabric transaction simulator (reads never see
// the transaction's own writes) and counts what a transaction reads and writes.
// The Fabric-backed implementation lives in package shimstore, so that the
// domain packages stay free of Fabric imports.
package state

import "time"

// Store is one transaction's access to the world state, private data, the
// chaincode event and the transaction's identity. Reads see committed state
// only, never the transaction's own writes.
type Store interface {
	// ClientMSPID returns the MSP ID of the identity that signed the proposal.
	ClientMSPID() string
	// ClientIsAdmin reports whether that identity is an administrator of its
	// organisation (a NodeOU admin certificate, or one carrying the attribute
	// tracechain.admin=true). Privileged functions require it, so an ordinary
	// client of an organisation cannot act with the organisation's full power.
	ClientIsAdmin() bool
	// TxID returns the transaction ID.
	TxID() string
	// TxTime returns the transaction timestamp (UTC), identical on every endorser.
	TxTime() time.Time
	// Transient returns the transient-map value under key, or nil.
	Transient(key string) ([]byte, error)

	// Get returns the value of key, or nil if absent.
	Get(key string) ([]byte, error)
	// GetMany returns the values of keys in order, nil for absent keys, in as
	// few round trips to the peer as it allows.
	GetMany(keys []string) ([][]byte, error)
	// Put writes key. An empty value is not allowed (Fabric treats it as a delete).
	Put(key string, value []byte) error
	// Delete removes key.
	Delete(key string) error

	// CreateKey builds a composite key from an object type and attributes.
	CreateKey(objectType string, attrs ...string) (string, error)
	// SplitKey splits a composite key into its object type and attributes.
	SplitKey(key string) (string, []string, error)
	// Scan calls fn for every entry under a partial composite key, in key
	// order, until fn returns an error. Usable in submitted transactions.
	Scan(objectType string, attrs []string, fn func(KV) error) error
	// ScanPage returns one page of the entries under a partial composite key.
	// Fabric allows it only in read-only (evaluated) transactions.
	ScanPage(objectType string, attrs []string, pageSize int32, bookmark string) (Page, error)

	// GetPrivate reads key from a private data collection, nil if absent.
	GetPrivate(collection, key string) ([]byte, error)
	// GetPrivateHash returns the SHA-256 of key's value in a collection, nil
	// if absent. Every peer of the channel has it, members or not, so any
	// endorser can check a private record it may not read.
	GetPrivateHash(collection, key string) ([]byte, error)
	// PutPrivate writes key to a private data collection.
	PutPrivate(collection, key string, value []byte) error
	// PurgePrivate deletes key from a collection together with its history.
	PurgePrivate(collection, key string) error

	// SetEvent sets the transaction's chaincode event. Fabric keeps only the
	// last one, so the domain calls it exactly once per transaction.
	SetEvent(name string, payload []byte) error
}

// KV is one ledger entry.
type KV struct {
	Key   string
	Value []byte
}

// Page is one page of a paginated scan. Bookmark is empty on the last page.
type Page struct {
	Entries  []KV
	Bookmark string
}
