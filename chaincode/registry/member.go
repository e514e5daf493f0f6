package registry

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/state"
)

// RegisterMember registers an organisation. Only the Regulator may.
func (r *Registry) RegisterMember(req model.MemberRequest) (*model.Member, error) {
	m, existing, err := r.memberChange("register members", req)
	if err != nil {
		return nil, err
	}
	if existing != nil {
		return nil, model.SubjectErrorf(model.CodeDuplicate, m.MSPID, "member %s is already registered", m.MSPID)
	}
	now := r.store.TxTime()
	m.RegisteredAt, m.UpdatedAt, m.TxID = now, now, r.store.TxID()
	if err := r.updateClaims(nil, m); err != nil {
		return nil, err
	}
	if r.IsRegulator(m.MSPID) {
		// The implicit Regulator member was named "Regulator" until now.
		if err := r.bumpPartyRevision(); err != nil {
			return nil, err
		}
	}
	if err := r.putMember(m); err != nil {
		return nil, err
	}
	e := r.event(model.EventMemberRegistered)
	e.MSPID = m.MSPID
	return m, r.emit(e)
}

// UpdateMember replaces the details of a registered organisation. Only the
// Regulator may; the MSP ID is the key and stays.
func (r *Registry) UpdateMember(req model.MemberRequest) (*model.Member, error) {
	m, existing, err := r.memberChange("update members", req)
	if err != nil {
		return nil, err
	}
	if existing == nil {
		return nil, model.SubjectErrorf(model.CodeNotFound, m.MSPID, "member %s is not registered", m.MSPID)
	}
	m.RegisteredAt, m.UpdatedAt, m.TxID = existing.RegisteredAt, r.store.TxTime(), r.store.TxID()
	if err := r.updateClaims(existing, m); err != nil {
		return nil, err
	}
	if partyOf(existing) != partyOf(m) {
		if err := r.bumpPartyRevision(); err != nil {
			return nil, err
		}
	}
	if err := r.putMember(m); err != nil {
		return nil, err
	}
	e := r.event(model.EventMemberUpdated)
	e.MSPID = m.MSPID
	return m, r.emit(e)
}

// memberChange checks that an administrator of the Regulator is calling,
// validates req and reads the member's current record (nil if none).
func (r *Registry) memberChange(action string, req model.MemberRequest) (m, existing *model.Member, err error) {
	if err := r.checkTime(); err != nil {
		return nil, nil, err
	}
	if _, err := r.RequireAdmin(action, model.RoleRegulator); err != nil {
		return nil, nil, err
	}
	if m, err = r.memberFromRequest(req); err != nil {
		return nil, nil, err
	}
	existing, err = r.stored(m.MSPID)
	return m, existing, err
}

// GetMember returns a member, including the implicit Regulator.
func (r *Registry) GetMember(mspID string) (*model.Member, error) {
	if _, err := r.Caller(); err != nil {
		return nil, err
	}
	m, err := r.LookupMember(mspID)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, model.SubjectErrorf(model.CodeNotFound, mspID, "member %s is not registered", mspID)
	}
	return m, nil
}

// ListMembers pages through the registered members in MSP ID order. The
// implicit Regulator is not listed unless it registered its details.
func (r *Registry) ListMembers(pageSize int32, bookmark string) (*model.MemberPage, error) {
	if _, err := r.Caller(); err != nil {
		return nil, err
	}
	page, err := r.store.ScanPage(memberKey, nil, model.PageSize(pageSize), bookmark)
	if err != nil {
		return nil, model.Errorf(model.CodeInvalidArgument, "listing members: %v", err)
	}
	out := &model.MemberPage{Bookmark: page.Bookmark}
	for _, kv := range page.Entries {
		var m model.Member
		if err := jsonRecord(kv, &m); err != nil {
			return nil, err
		}
		out.Members = append(out.Members, m)
	}
	return out, nil
}

// stored reads the member record without the implicit Regulator fallback.
func (r *Registry) stored(mspID string) (*model.Member, error) {
	key, err := r.store.CreateKey(memberKey, mspID)
	if err != nil {
		return nil, err
	}
	var m model.Member
	found, err := state.GetJSON(r.store, key, &m)
	if err != nil || !found {
		return nil, err
	}
	return &m, nil
}

func (r *Registry) putMember(m *model.Member) error {
	key, err := r.store.CreateKey(memberKey, m.MSPID)
	if err != nil {
		return err
	}
	r.members[m.MSPID] = m
	return state.PutJSON(r.store, key, m)
}

// memberFromRequest validates a request into a member record.
func (r *Registry) memberFromRequest(req model.MemberRequest) (*model.Member, error) {
	if !ValidMSPID(req.MSPID) {
		return nil, model.SubjectErrorf(model.CodeInvalidArgument, req.MSPID, "invalid MSP ID (1-64 of A-Z a-z 0-9 _ -)")
	}
	if !req.Role.Valid() {
		return nil, model.SubjectErrorf(model.CodeInvalidArgument, req.MSPID, "invalid role %q", req.Role)
	}
	if (req.Role == model.RoleRegulator) != r.IsRegulator(req.MSPID) {
		return nil, model.SubjectErrorf(model.CodeInvalidArgument, req.MSPID,
			"role regulator belongs to the Regulator's MSP %s and to no other", r.config.RegulatorMSPID)
	}
	if r.IsRegulator(req.MSPID) && req.Suspended {
		return nil, model.SubjectErrorf(model.CodeInvalidArgument, req.MSPID, "the Regulator cannot be suspended")
	}
	m := &model.Member{MSPID: req.MSPID, Role: req.Role, Suspended: req.Suspended, Region: req.Region}
	if err := validRegion(m); err != nil {
		return nil, err
	}
	var err error
	if m.Name, err = Text("name", req.Name, 200, true); err != nil {
		return nil, err
	}
	if m.USCC, err = identifier.ParseUSCC(req.USCC); err != nil {
		return nil, model.SubjectErrorf(model.CodeInvalidArgument, req.USCC, "invalid USCC: %v", err)
	}
	if m.Address, err = Text("address", req.Address, 500, false); err != nil {
		return nil, err
	}
	if m.Contact, err = Text("contact", req.Contact, 200, false); err != nil {
		return nil, err
	}
	if m.BusinessLicence, err = Text("businessLicence", req.BusinessLicence, 64, false); err != nil {
		return nil, err
	}
	if m.CompanyPrefixes, err = TextList("companyPrefixes", req.CompanyPrefixes, 50, 12); err != nil {
		return nil, err
	}
	for _, p := range m.CompanyPrefixes {
		if err := identifier.ValidateCompanyPrefix(p); err != nil {
			return nil, model.SubjectErrorf(model.CodeInvalidArgument, p, "invalid GS1 company prefix: %v", err)
		}
	}
	if err := memberGLNs(m, req.PartyGLN, req.LocationGLNs); err != nil {
		return nil, err
	}
	if m.ProductionLicences, err = TextList("productionLicences", req.ProductionLicences, 50, 64); err != nil {
		return nil, err
	}
	if m.CCCCertificates, err = TextList("cccCertificates", req.CCCCertificates, 200, 64); err != nil {
		return nil, err
	}
	for i, c := range m.CCCCertificates {
		code, err := identifier.ParseCCC(c)
		if err != nil {
			return nil, model.SubjectErrorf(model.CodeInvalidArgument, c, "invalid CCC certificate number: %v", err)
		}
		m.CCCCertificates[i] = strings.TrimPrefix(code.Canonical, "ccc:")
	}
	if m.EcodeNumberSystems, err = TextList("ecodeNumberSystems", req.EcodeNumberSystems, 50, 9); err != nil {
		return nil, err
	}
	for _, n := range m.EcodeNumberSystems {
		if err := identifier.ValidateEcodeNumberSystem(n); err != nil {
			return nil, model.SubjectErrorf(model.CodeInvalidArgument, n, "invalid Ecode number system: %v", err)
		}
	}
	return m, nil
}

// jsonRecord decodes a scanned entry; a corrupt record is an internal error.
func jsonRecord(kv state.KV, v any) error {
	if err := json.Unmarshal(kv.Value, v); err != nil {
		return errors.Join(errors.New("decoding "+kv.Key), err)
	}
	return nil
}

// validRegion checks a member's region: six digits of an administrative
// division code, and for a provincial regulator a province (ending in
// 0000), without which it would watch nothing.
func validRegion(m *model.Member) error {
	if m.Region == "" {
		if m.Role == model.RoleProvincialRegulator {
			return model.SubjectErrorf(model.CodeInvalidArgument, m.MSPID, "a provincial regulator needs the region it watches")
		}
		return nil
	}
	ok := len(m.Region) == 6 && m.Region[0] >= '1' && m.Region[0] <= '8'
	for i := 1; ok && i < 6; i++ {
		ok = m.Region[i] >= '0' && m.Region[i] <= '9'
	}
	if !ok {
		return model.SubjectErrorf(model.CodeInvalidArgument, m.Region, "region must be a six-digit administrative division code, e.g. 330000")
	}
	if m.Role == model.RoleProvincialRegulator && !strings.HasSuffix(m.Region, "0000") {
		return model.SubjectErrorf(model.CodeInvalidArgument, m.Region, "a provincial regulator's region is a province: its code ends in 0000")
	}
	return nil
}
