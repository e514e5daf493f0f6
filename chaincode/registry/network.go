package registry

import (
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/state"
)

// networkKey holds the model.NetworkConfig, written once by InitLedger.
const networkKey = "network"

// InitLedger records the Regulator's MSP ID on a new ledger. Only an
// administrator of that very organisation may call it, once. An endorser whose
// server was started with an expected Regulator refuses any other value, so a
// member racing to initialise the ledger with itself as Regulator needs an
// accomplice among the endorsers.
func (r *Registry) InitLedger(regulatorMSPID string) (*model.NetworkConfig, error) {
	existing, err := r.readConfig()
	if err != nil {
		return nil, err
	}
	if existing != nil {
		return nil, model.SubjectErrorf(model.CodeDuplicate, existing.RegulatorMSPID, "the ledger is already initialised with Regulator %s", existing.RegulatorMSPID)
	}
	if !ValidMSPID(regulatorMSPID) {
		return nil, model.SubjectErrorf(model.CodeInvalidArgument, regulatorMSPID, "invalid MSP ID (1-64 of A-Z a-z 0-9 _ -)")
	}
	if r.expected != "" && regulatorMSPID != r.expected {
		return nil, model.SubjectErrorf(model.CodeForbidden, regulatorMSPID, "this endorser was deployed for Regulator %s", r.expected)
	}
	if r.store.ClientMSPID() != regulatorMSPID || !r.store.ClientIsAdmin() {
		return nil, model.SubjectErrorf(model.CodeForbidden, regulatorMSPID, "only an administrator of %s may initialise the ledger with it as Regulator", regulatorMSPID)
	}
	if r.store.TxTime().IsZero() {
		return nil, model.Errorf(model.CodeInvalidArgument, "transaction has no timestamp")
	}
	cfg := &model.NetworkConfig{RegulatorMSPID: regulatorMSPID, InitialisedAt: r.store.TxTime(), TxID: r.store.TxID()}
	key, err := r.store.CreateKey(networkKey)
	if err != nil {
		return nil, err
	}
	if err := state.PutJSON(r.store, key, cfg); err != nil {
		return nil, err
	}
	e := r.event(model.EventLedgerInitialised)
	e.MSPID = regulatorMSPID
	return cfg, r.emit(e)
}

// NetworkConfig returns the agreed configuration of the ledger.
func (r *Registry) NetworkConfig() (*model.NetworkConfig, error) {
	if r.config != nil {
		return r.config, nil
	}
	cfg, err := r.readConfig()
	if err != nil {
		return nil, err
	}
	if cfg == nil {
		return nil, model.Errorf(model.CodeBadState, "the ledger is not initialised: the Regulator's administrator must call InitLedger")
	}
	return cfg, r.useConfig(cfg)
}

// useConfig adopts the ledger's configuration unless this server was
// deployed for another Regulator: such a server must not endorse here, as its
// answers would differ from its peers' only in who it thinks regulates.
func (r *Registry) useConfig(cfg *model.NetworkConfig) error {
	if r.expected != "" && cfg.RegulatorMSPID != r.expected {
		return model.Errorf(model.CodeInternal, "this chaincode server expects Regulator %s but the ledger names %s", r.expected, cfg.RegulatorMSPID)
	}
	r.config = cfg
	return nil
}

func (r *Registry) readConfig() (*model.NetworkConfig, error) {
	key, err := r.store.CreateKey(networkKey)
	if err != nil {
		return nil, err
	}
	var cfg model.NetworkConfig
	found, err := state.GetJSON(r.store, key, &cfg)
	if err != nil || !found {
		return nil, err
	}
	return &cfg, nil
}

// checkTime refuses to work without a transaction timestamp: record times
// come from it.
func (r *Registry) checkTime() error {
	if r.store.TxTime().IsZero() {
		return model.Errorf(model.CodeInvalidArgument, "transaction has no timestamp")
	}
	return nil
}
