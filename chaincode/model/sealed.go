package model

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/json"
	"errors"
)

// TransientReadKey is the transient-map key under which a reader of personal
// data (GetSale) passes a fresh 32-byte AES key. The answer is sealed with it,
// so that even a read submitted by mistake, or a proposal response sent to the
// orderer on purpose, puts only ciphertext into a block: the key itself, being
// transient, never reaches one.
const TransientReadKey = "readKey"

// ReadKeySize is the length of the key under TransientReadKey.
const ReadKeySize = 32

// SealedSale is a SaleRecord encrypted for the caller with AES-256-GCM. The
// nonce is derived from the transaction ID, so every endorser seals the same
// bytes; a key is used for one read only.
type SealedSale struct {
	Code       string `json:"code"`
	TxID       string `json:"txId"`
	Ciphertext []byte `json:"ciphertext"`
}

// SealSale encrypts rec for the holder of key within transaction txID.
func SealSale(key []byte, txID string, rec *SaleRecord) (*SealedSale, error) {
	aead, err := saleAEAD(key)
	if err != nil {
		return nil, err
	}
	plain, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	return &SealedSale{Code: rec.Code, TxID: txID, Ciphertext: aead.Seal(nil, saleNonce(txID, aead.NonceSize()), plain, []byte(rec.Code))}, nil
}

// Open decrypts a sealed sale record with the key the caller passed.
func (s *SealedSale) Open(key []byte) (*SaleRecord, error) {
	aead, err := saleAEAD(key)
	if err != nil {
		return nil, err
	}
	plain, err := aead.Open(nil, saleNonce(s.TxID, aead.NonceSize()), s.Ciphertext, []byte(s.Code))
	if err != nil {
		return nil, errors.New("sealed sale record does not open with this key")
	}
	var rec SaleRecord
	if err := json.Unmarshal(plain, &rec); err != nil {
		return nil, err
	}
	return &rec, nil
}

func saleAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != ReadKeySize {
		return nil, Errorf(CodeInvalidArgument, "the read key under %q must have %d bytes", TransientReadKey, ReadKeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func saleNonce(txID string, n int) []byte {
	h := sha256.Sum256([]byte("tracechain sale seal\x00" + txID))
	return h[:n]
}
