// Package incident gives the services' failures their one reference scheme:
// a fresh random reference per failure ties what a client reports to the log
// line that holds the cause, and tells an attacker nothing. The resolver,
// the EPCIS query interface and the capture service's job reports all use it.
package incident

import (
	"crypto/rand"
	"encoding/hex"
)

// Ref returns a fresh reference: 16 hex digits.
func Ref() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}
