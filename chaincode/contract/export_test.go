package contract

// NewCheckingResults builds the chaincode with every result validated against
// its JSON schema, as the contract API does by default.
func NewCheckingResults(regulatorMSPID string) (*Chaincode, error) {
	return build(regulatorMSPID, true)
}
