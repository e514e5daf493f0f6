package model

import "time"

// NetworkConfig is what the channel's members agreed when the ledger was
// initialised: the Regulator's MSP ID. It is written once, by InitLedger, and
// every endorser reads it from the ledger, so no chaincode server's local
// configuration can change who the Regulator is.
type NetworkConfig struct {
	RegulatorMSPID string    `json:"regulatorMspId"`
	InitialisedAt  time.Time `json:"initialisedAt"`
	TxID           string    `json:"txId"`
}
