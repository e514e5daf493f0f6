package eventindex

import (
	"errors"
	"fmt"
)

// ErrNotFound is returned by Event for an eventID the index does not hold.
var ErrNotFound = errors.New("eventindex: no such event")

// ErrInvalidQuery is matched by every *QueryError and *PerPageError.
var ErrInvalidQuery = errors.New("eventindex: invalid query")

// QueryError reports a query parameter the index cannot accept: a malformed
// value, a page token from another query, or an unsupported combination.
type QueryError struct {
	Param string // the EPCIS query parameter, e.g. "EQ_action" or "nextPageToken"
	Msg   string
}

func (e *QueryError) Error() string {
	return fmt.Sprintf("eventindex: query parameter %s: %s", e.Param, e.Msg)
}

// Is makes every *QueryError match ErrInvalidQuery.
func (e *QueryError) Is(target error) bool { return target == ErrInvalidQuery }

// PerPageError reports a page size above the index's maximum. It is kept
// apart from QueryError because EPCIS answers it as a query too large
// rather than as a malformed parameter.
type PerPageError struct {
	PerPage, Max int
}

func (e *PerPageError) Error() string {
	return fmt.Sprintf("eventindex: perPage %d exceeds the maximum of %d", e.PerPage, e.Max)
}

// Is makes every *PerPageError match ErrInvalidQuery.
func (e *PerPageError) Is(target error) bool { return target == ErrInvalidQuery }

// EntryError reports an event that cannot be indexed: it is not an EPCIS
// 2.0 event the hash accepts, or it carries an eventID that is not its hash.
// Index applies nothing of a block with such an event.
type EntryError struct {
	Block uint64
	TxID  string
	Err   error
}

func (e *EntryError) Error() string {
	return fmt.Sprintf("eventindex: block %d tx %s: %v", e.Block, e.TxID, e.Err)
}

func (e *EntryError) Unwrap() error { return e.Err }
