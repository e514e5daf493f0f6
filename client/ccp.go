package client

import (
	"encoding/json"
	"errors"
)

// ccp is the part of a Hyperledger Fabric common connection profile that a
// tracechain client reads. Other SDKs and tools (Caliper, fabric-samples'
// applications) read the same document; the fields only tracechain needs are
// in the "x-tracechain" extension, which they ignore.
type ccp struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Client  struct {
		Organization string `json:"organization"`
	} `json:"client"`
	Organizations map[string]ccpOrganization `json:"organizations"`
	Channels      map[string]json.RawMessage `json:"channels"`
	Peers         map[string]ccpPeer         `json:"peers"`
	Tracechain    ccpTracechain              `json:"x-tracechain"`
}

type ccpOrganization struct {
	MSPID string   `json:"mspid"`
	Peers []string `json:"peers"`
}

type ccpPeer struct {
	URL         string      `json:"url"`
	TLSCACerts  ccpTLSCerts `json:"tlsCACerts"`
	GRPCOptions struct {
		SSLTargetNameOverride string `json:"ssl-target-name-override"`
		// HostnameOverride is the Node SDK's name for the same setting.
		HostnameOverride string `json:"hostnameOverride"`
	} `json:"grpcOptions"`
}

// ccpTLSCerts is a tlsCACerts object: the PEM inline or the path of a PEM file.
type ccpTLSCerts struct {
	PEM  ccpPEM `json:"pem"`
	Path string `json:"path"`
}

// ccpPEM is inline PEM, which profiles in the wild give as one string or as
// an array of strings (fabric-samples does both).
type ccpPEM string

// UnmarshalJSON accepts a string or an array of strings.
func (p *ccpPEM) UnmarshalJSON(raw []byte) error {
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		*p = ccpPEM(one)
		return nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return errors.New("tlsCACerts.pem: want a string or an array of strings")
	}
	var all string
	for _, s := range many {
		all += s + "\n"
	}
	*p = ccpPEM(all)
	return nil
}

// ccpTracechain is the "x-tracechain" extension: what a tracechain client
// needs that the common connection profile has no field for.
type ccpTracechain struct {
	Channel    string `json:"channel"`
	Chaincode  string `json:"chaincode"`
	Identities struct {
		User   IdentityFiles `json:"user"`
		Admin  IdentityFiles `json:"admin"`
		Reader IdentityFiles `json:"reader"`
	} `json:"identities"`
}
