// Package registry holds the master data of the tracechain network, member
// organisations and products, and answers who the caller is and what its role
// allows. It is plain Go over state.Store: the transaction's signer is the
// store's client MSP ID, and the Regulator's MSP ID is the one InitLedger
// recorded on the ledger.
package registry

import (
	"encoding/json"
	"fmt"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/state"
)

// Ledger object types owned by this package.
const (
	memberKey         = "member"     // member~{mspID} -> model.Member
	productKey        = "product"    // product~{gtin14} -> model.Product (current version)
	productVersionKey = "productver" // productver~{gtin14}~{version, 8 digits} -> model.Product
)

// Registry answers master-data questions within one transaction. It caches
// what it reads, so create one per transaction.
type Registry struct {
	store    state.Store
	expected string               // Regulator this server was deployed for; "" to accept the ledger's
	config   *model.NetworkConfig // read from the ledger on first use
	caller   *model.Member
	members  map[string]*model.Member
	products map[string]*model.Product
	partyRev *int64 // party revision, once read or written
}

// New returns the registry view of one transaction. The Regulator is the one
// recorded on the ledger by InitLedger; expectedRegulator, when not empty, is
// the one this chaincode server was deployed for, and a ledger naming another
// is refused rather than served.
func New(store state.Store, expectedRegulator string) *Registry {
	return &Registry{
		store:    store,
		expected: expectedRegulator,
		members:  map[string]*model.Member{},
		products: map[string]*model.Product{},
	}
}

// Store returns the transaction's store.
func (r *Registry) Store() state.Store { return r.store }

// IsRegulator reports whether mspID is the Regulator's. Before the ledger
// configuration could be read it reports false.
func (r *Registry) IsRegulator(mspID string) bool {
	return mspID != "" && r.config != nil && mspID == r.config.RegulatorMSPID
}

// Caller returns the member record of the transaction's signer. Unregistered
// and suspended organisations get NOT_MEMBER.
func (r *Registry) Caller() (*model.Member, error) {
	if r.caller != nil {
		return r.caller, nil
	}
	msp := r.store.ClientMSPID()
	if r.config == nil {
		// The ledger configuration and the caller's record in one round trip.
		if err := r.Prefetch([]string{msp}, nil); err != nil {
			return nil, err
		}
	}
	m, err := r.LookupMember(msp)
	if err != nil {
		return nil, err
	}
	if m == nil || m.Suspended {
		return nil, model.SubjectErrorf(model.CodeNotMember, msp, "organisation %s is not a registered member", msp)
	}
	r.caller = m
	return m, nil
}

// Require returns the caller if its role is one of roles; otherwise it
// refuses with NOT_MEMBER or FORBIDDEN naming the action.
func (r *Registry) Require(action string, roles ...model.Role) (*model.Member, error) {
	m, err := r.Caller()
	if err != nil {
		return nil, err
	}
	for _, role := range roles {
		if m.Role == role {
			return m, nil
		}
	}
	return nil, model.SubjectErrorf(model.CodeForbidden, m.MSPID, "a %s may not %s", m.Role, action)
}

// RequireAdmin is Require for privileged actions: the signer must also be an
// administrator of its organisation, not one of its ordinary clients.
func (r *Registry) RequireAdmin(action string, roles ...model.Role) (*model.Member, error) {
	m, err := r.Require(action, roles...)
	if err != nil {
		return nil, err
	}
	if err := r.CheckAdmin(action); err != nil {
		return nil, err
	}
	return m, nil
}

// CheckAdmin refuses a signer that is not an administrator of its
// organisation.
func (r *Registry) CheckAdmin(action string) error {
	if !r.store.ClientIsAdmin() {
		return model.SubjectErrorf(model.CodeForbidden, r.store.ClientMSPID(),
			"only an administrator identity of %s may %s", r.store.ClientMSPID(), action)
	}
	return nil
}

// LookupMember returns the member registered under mspID, the implicit
// Regulator member, or nil when there is none.
func (r *Registry) LookupMember(mspID string) (*model.Member, error) {
	if _, err := r.NetworkConfig(); err != nil {
		return nil, err
	}
	if m, ok := r.members[mspID]; ok {
		return m, nil
	}
	if mspID == "" {
		return nil, nil
	}
	key, err := r.store.CreateKey(memberKey, mspID)
	if err != nil {
		return nil, model.SubjectErrorf(model.CodeInvalidArgument, mspID, "invalid MSP ID: %v", err)
	}
	var m model.Member
	found, err := state.GetJSON(r.store, key, &m)
	if err != nil {
		return nil, err
	}
	var out *model.Member
	switch {
	case found:
		out = &m
	case r.IsRegulator(mspID):
		out = &model.Member{MSPID: mspID, Role: model.RoleRegulator, Name: "Regulator"}
	}
	r.members[mspID] = out
	return out, nil
}

// Prefetch reads the records of the members and products it has not read yet,
// and the extra keys, in one round trip, so the lookups that follow are
// answered from the transaction's read cache. Keys it cannot build are left to
// the lookups, which report them.
func (r *Registry) Prefetch(mspIDs, gtins []string, extra ...string) error {
	keys := append([]string(nil), extra...)
	// What each key after the extras decodes into: the ledger configuration,
	// members, then products, so that the lookups that follow need no read.
	type slot struct{ kind, id string }
	var slots []slot
	if r.config == nil {
		if k, err := r.store.CreateKey(networkKey); err == nil {
			keys, slots = append(keys, k), append(slots, slot{networkKey, ""})
		}
	}
	for _, id := range mspIDs {
		if _, ok := r.members[id]; ok || id == "" {
			continue
		}
		if k, err := r.store.CreateKey(memberKey, id); err == nil {
			keys, slots = append(keys, k), append(slots, slot{memberKey, id})
		}
	}
	for _, g := range gtins {
		if _, ok := r.products[g]; ok || g == "" {
			continue
		}
		if k, err := r.store.CreateKey(productKey, g); err == nil {
			keys, slots = append(keys, k), append(slots, slot{productKey, g})
		}
	}
	if len(keys) == 0 {
		return nil
	}
	vals, err := r.store.GetMany(keys)
	if err != nil {
		return err
	}
	vals = vals[len(extra):]
	for i, sl := range slots {
		raw := vals[i]
		switch sl.kind {
		case networkKey:
			if raw == nil {
				continue // NetworkConfig reports it
			}
			var cfg model.NetworkConfig
			if err := json.Unmarshal(raw, &cfg); err != nil {
				return fmt.Errorf("decoding the network configuration: %w", err)
			}
			if err := r.useConfig(&cfg); err != nil {
				return err
			}
		case memberKey:
			if raw == nil {
				if r.config == nil {
					continue // the implicit Regulator needs the configuration
				}
				var implicit *model.Member
				if r.IsRegulator(sl.id) {
					implicit = &model.Member{MSPID: sl.id, Role: model.RoleRegulator, Name: "Regulator"}
				}
				r.members[sl.id] = implicit
				continue
			}
			var m model.Member
			if err := json.Unmarshal(raw, &m); err != nil {
				return fmt.Errorf("decoding member %s: %w", sl.id, err)
			}
			r.members[sl.id] = &m
		case productKey:
			var p *model.Product
			if raw != nil {
				p = &model.Product{}
				if err := json.Unmarshal(raw, p); err != nil {
					return fmt.Errorf("decoding product %s: %w", sl.id, err)
				}
			}
			r.products[sl.id] = p
		}
	}
	return nil
}

// Party returns how read results name an organisation.
func (r *Registry) Party(mspID string) (model.Party, error) {
	m, err := r.LookupMember(mspID)
	if err != nil || m == nil {
		return model.Party{MSPID: mspID}, err
	}
	return partyOf(m), nil
}

// event starts a chaincode event payload with the transaction-level fields.
func (r *Registry) event(eventType string) model.Event {
	return model.Event{Type: eventType, TxID: r.store.TxID(), Time: r.store.TxTime(), Actor: r.store.ClientMSPID()}
}

func (r *Registry) emit(e model.Event) error {
	if err := state.SetEventJSON(r.store, e.Type, e); err != nil {
		return fmt.Errorf("setting event: %w", err)
	}
	return nil
}
