package model

import "time"

// MemberRequest registers or updates a member organisation. Only the
// Regulator submits it. The MSP ID is the member's key and cannot change.
type MemberRequest struct {
	MSPID              string   `json:"mspId"`
	Role               Role     `json:"role"`
	Name               string   `json:"name"`                                              // registered enterprise name
	USCC               string   `json:"uscc"`                                              // unified social credit code, GB 32100
	Address            string   `json:"address,omitempty" metadata:",optional"`            // registered business address
	Contact            string   `json:"contact,omitempty" metadata:",optional"`            // business contact (not a private person's)
	BusinessLicence    string   `json:"businessLicence,omitempty" metadata:",optional"`    // business licence number
	CompanyPrefixes    []string `json:"companyPrefixes,omitempty" metadata:",optional"`    // GS1 company prefixes licensed to the member
	ProductionLicences []string `json:"productionLicences,omitempty" metadata:",optional"` // industrial product production licence numbers
	CCCCertificates    []string `json:"cccCertificates,omitempty" metadata:",optional"`    // CCC certificate numbers
	EcodeNumberSystems []string `json:"ecodeNumberSystems,omitempty" metadata:",optional"` // Ecode version digit + NSI, e.g. "10001" (V1, NSI 0001)
	PartyGLN           string   `json:"partyGln,omitempty" metadata:",optional"`           // GLN of the member as a party (AI 417), under one of its company prefixes
	LocationGLNs       []string `json:"locationGlns,omitempty" metadata:",optional"`       // GLNs of its sites (AI 414), under its company prefixes
	Suspended          bool     `json:"suspended,omitempty" metadata:",optional"`          // a suspended member is treated as not a member
	Region             string   `json:"region,omitempty" metadata:",optional"`             // administrative division code (GB/T 2260), e.g. 330000: a provincial regulator's province, a retailer's region
}

// Member is a registered organisation, keyed by MSP ID. The Regulator's MSP is
// a member with role regulator even when no record was registered for it.
type Member struct {
	MSPID              string    `json:"mspId"`
	Role               Role      `json:"role"`
	Name               string    `json:"name"`
	USCC               string    `json:"uscc,omitempty" metadata:",optional"`
	Address            string    `json:"address,omitempty" metadata:",optional"`
	Contact            string    `json:"contact,omitempty" metadata:",optional"`
	BusinessLicence    string    `json:"businessLicence,omitempty" metadata:",optional"`
	CompanyPrefixes    []string  `json:"companyPrefixes,omitempty" metadata:",optional"`
	ProductionLicences []string  `json:"productionLicences,omitempty" metadata:",optional"`
	CCCCertificates    []string  `json:"cccCertificates,omitempty" metadata:",optional"`
	EcodeNumberSystems []string  `json:"ecodeNumberSystems,omitempty" metadata:",optional"`
	PartyGLN           string    `json:"partyGln,omitempty" metadata:",optional"`
	LocationGLNs       []string  `json:"locationGlns,omitempty" metadata:",optional"`
	Suspended          bool      `json:"suspended,omitempty" metadata:",optional"`
	Region             string    `json:"region,omitempty" metadata:",optional"`
	RegisteredAt       time.Time `json:"registeredAt,omitzero" metadata:",optional"`
	UpdatedAt          time.Time `json:"updatedAt,omitzero" metadata:",optional"`
	TxID               string    `json:"txId,omitempty" metadata:",optional"` // transaction of the last change
}

// MemberPage is one page of ListMembers.
type MemberPage struct {
	Members  []Member `json:"members,omitempty" metadata:",optional"`
	Bookmark string   `json:"bookmark,omitempty" metadata:",optional"` // empty on the last page
}

// Party names an organisation in read results: its MSP ID and, when it is a
// registered member, its enterprise name and USCC, and whether the Regulator
// suspended it.
type Party struct {
	MSPID     string `json:"mspId"`
	Name      string `json:"name,omitempty" metadata:",optional"`
	USCC      string `json:"uscc,omitempty" metadata:",optional"`
	Suspended bool   `json:"suspended,omitempty" metadata:",optional"`
}
