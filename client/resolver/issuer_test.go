package resolver_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client/resolver"
	"github.com/tracechain/tracechain/client/resolver/resolvertest"
)

// TestContainerIssuerIsPublishedOnlyIfAManufacturer: the ledger names a
// case's or pallet's issuer as its producer; the public sees it only when
// the issuer is a manufacturer, never a distributor's or retailer's name,
// in the JSON answers and on the page.
func TestContainerIssuerIsPublishedOnlyIfAManufacturer(t *testing.T) {
	container := "https://id.gs1.org/00/" + sscc
	members := map[string]model.Member{
		"MakerMSP":       {MSPID: "MakerMSP", Role: model.RoleManufacturer, Name: "福州电缆厂", USCC: uscc},
		"DistributorMSP": {MSPID: "DistributorMSP", Role: model.RoleDistributor, Name: "SECRET DISTRIBUTOR LTD", USCC: "914403001922038216"},
		"RetailerMSP":    {MSPID: "RetailerMSP", Role: model.RoleRetailer, Name: "SECRET MART", USCC: "91440300M000400Y4X"},
	}
	for _, tc := range []struct {
		name      string
		issuer    string
		members   map[string]model.Member
		published bool
	}{
		{"a manufacturer's pallet names its maker", "MakerMSP", members, true},
		{"a distributor's pallet names nobody", "DistributorMSP", members, false},
		{"a retailer's case names nobody", "RetailerMSP", members, false},
		{"an issuer without a member record names nobody", "GoneMSP", members, false},
		{"without member records nobody is named", "MakerMSP", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.members[tc.issuer]
			issuer := &model.Party{MSPID: tc.issuer, Name: m.Name, USCC: m.USCC}
			if issuer.Name == "" {
				issuer.Name = "SECRET ISSUER"
			}
			v := resolvertest.New(model.Verification{Code: container, Verdict: model.VerdictGenuine, Class: model.ClassContainer, Scheme: "gs1",
				Producer: issuer, Holder: issuer})
			v.Members = tc.members
			h := newResolver(v)
			for _, target := range []string{"/verify?code=", "/certification?code="} {
				w := get(h, target+url.QueryEscape(container))
				require.Equal(t, http.StatusOK, w.Code)
				if tc.published {
					assert.Contains(t, w.Body.String(), issuer.Name, target)
				} else {
					assert.NotContains(t, w.Body.String(), issuer.Name, target)
					assert.NotContains(t, w.Body.String(), "producer", target)
				}
			}
			page := get(h, "/verify?code="+url.QueryEscape(container), "Accept", browserAccept).Body.String()
			assert.Equal(t, tc.published, contains(page, issuer.Name), "the page agrees with the JSON")
		})
	}

	t.Run("a failed lookup names nobody and is not cached", func(t *testing.T) {
		v := resolvertest.New(model.Verification{Code: container, Verdict: model.VerdictGenuine, Class: model.ClassContainer,
			Producer: &model.Party{MSPID: "MakerMSP", Name: "福州电缆厂"}})
		f := &flakyMembers{Verifier: v, err: errors.New("rpc error: code = Unavailable")}
		h := newResolver(f)
		w := get(h, "/verify?code="+url.QueryEscape(container))
		require.Equal(t, http.StatusOK, w.Code)
		assert.NotContains(t, w.Body.String(), "福州电缆厂")
		f.err = nil
		v.Members = members
		w = get(h, "/verify?code="+url.QueryEscape(container))
		assert.Contains(t, w.Body.String(), "福州电缆厂", "asked again once the ledger answers")
		assert.Equal(t, 2, v.Calls())
	})

	t.Run("a unit keeps its producer", func(t *testing.T) {
		w := get(newResolver(ledger()), "/verify?code="+url.QueryEscape(unitURI))
		a, _ := decodeAnswer(t, w)
		require.NotNil(t, a.Producer)
		assert.Equal(t, "福州电缆厂", a.Producer.Name)
	})
}

// flakyMembers fails member lookups while err is set.
type flakyMembers struct {
	*resolvertest.Verifier
	err error
}

func (f *flakyMembers) GetMember(ctx context.Context, msp string) (*model.Member, error) {
	if f.err != nil {
		return nil, f.err
	}
	return f.Verifier.GetMember(ctx, msp)
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

var _ resolver.MemberSource = (*flakyMembers)(nil)
