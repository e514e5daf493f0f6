package resolver_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client/resolver"
	"github.com/tracechain/tracechain/client/resolver/resolvertest"
)

// TestSuspendedEnterpriseIsShown: when the Regulator suspends a member
// (for counterfeiting, say), Verify reports the party as suspended; the
// public answer publishes it, and the page warns in both languages, without
// changing the unit's verdict. A MemberUpdated event makes a cached answer
// show it at once.
func TestSuspendedEnterpriseIsShown(t *testing.T) {
	h := newResolver(pageLedger())
	target := "/verify?code=" + url.QueryEscape(suspendedURI)

	t.Run("the_JSON_answer_says_so", func(t *testing.T) {
		a, m := decodeAnswer(t, get(h, target, "Accept", "application/json"))
		assert.Equal(t, model.VerdictGenuine, a.Verdict, "the unit's verdict is the ledger's")
		assert.Equal(t, &resolver.PublicParty{Name: "福州电缆厂", USCC: uscc, Suspended: true}, a.Producer)
		assert.Equal(t, true, m["producer"].(map[string]any)["suspended"])
		require.NotEmpty(t, a.Reasons)
		assert.Equal(t, resolver.ReasonProducerSuspended, a.Reasons[len(a.Reasons)-1].Code)

		w := get(h, "/certification?code="+url.QueryEscape(suspendedURI))
		require.Equal(t, http.StatusOK, w.Code)
		assert.Contains(t, w.Body.String(), `"suspended":true`, "the certificate's producer too")

		a, m = decodeAnswer(t, get(h, "/verify?code="+url.QueryEscape(unitURI)))
		assert.False(t, a.Producer.Suspended)
		assert.NotContains(t, m["producer"], "suspended", "absent, not false, for a member in good standing")
		for _, r := range a.Reasons {
			assert.NotEqual(t, resolver.ReasonProducerSuspended, r.Code)
		}
	})

	t.Run("a_suspended_seller", func(t *testing.T) {
		v := ledger()
		sold := v.Answers["https://id.gs1.org/01/"+gtin+"/21/OLD"]
		sold.Seller = &model.Party{MSPID: "RetailerMSP", Name: "某某商城", USCC: "91440300M000400Y4X", Suspended: true}
		v.Set(sold)
		hs := newResolver(v)
		code := "/verify?code=" + url.QueryEscape(sold.Code)
		a, _ := decodeAnswer(t, get(hs, code))
		assert.Equal(t, model.VerdictSold, a.Verdict)
		assert.Equal(t, &resolver.PublicParty{Name: "某某商城", USCC: "91440300M000400Y4X", Suspended: true}, a.Seller)
		assert.Equal(t, resolver.ReasonSellerSuspended, a.Reasons[len(a.Reasons)-1].Code)
		body := get(hs, code, "Accept", browserAccept).Body.String()
		assert.Contains(t, body, `<section id="suspended-seller" class="card suspended" role="alert">`)
		assert.Contains(t, body, "警告：售出商家已被监管部门暂停")
		assert.Contains(t, body, "某某商城（已被监管部门暂停）")
		assert.NotContains(t, body, `id="suspended-producer"`)
	})

	t.Run("the_page_warns_in_zh_and_en", func(t *testing.T) {
		for _, c := range []struct{ lang, title, body, fact string }{
			{"zh-CN", "警告：生产企业已被监管部门暂停", "市场监管部门已暂停此产品的生产企业（福州电缆厂）", "福州电缆厂（已被监管部门暂停）"},
			{"en", "Warning: the producer is suspended by the regulator", "suspended this product&#39;s producer (福州电缆厂)", "福州电缆厂 (suspended by the regulator)"},
		} {
			w := get(h, target, "Accept", browserAccept, "Accept-Language", c.lang)
			require.Equal(t, http.StatusOK, w.Code)
			body := w.Body.String()
			word, _ := verdictOf(t, body)
			assert.Equal(t, "genuine", word)
			card := `<section id="suspended-producer" class="card suspended" role="alert">`
			require.Contains(t, body, card, c.lang)
			assert.Contains(t, body, c.title, c.lang)
			assert.Contains(t, body, c.body, c.lang)
			assert.Contains(t, body, c.fact, "the producer's name is marked too")
			assert.Less(t, strings.Index(body, `id="verdict"`), strings.Index(body, card), "below the verdict")
			assert.Less(t, strings.Index(body, card), strings.Index(body, `<section class="card">`), "above every fact")
			assert.NotContains(t, body, `id="reasons"`, "the card says it; no reason repeats it")
		}
		ok := get(h, "/verify?code="+url.QueryEscape(unitURI), "Accept", browserAccept).Body.String()
		assert.NotContains(t, ok, "card suspended", "no warning for a member in good standing")
	})

	t.Run("MemberUpdated_makes_a_cached_answer_show_it", func(t *testing.T) {
		v := ledger()
		hc := newResolver(v, resolver.WithCacheTTL(time.Hour))
		src := resolvertest.NewEvents()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		followed := make(chan struct{})
		go func() { defer close(followed); hc.Follow(ctx, src, io.Discard) }()
		<-src.Opened()

		code := "/verify?code=" + url.QueryEscape(unitURI)
		a, _ := decodeAnswer(t, get(hc, code))
		assert.False(t, a.Producer.Suspended)
		// The Regulator suspends the maker: the ledger answers anew, the
		// cache still holds the old answer until the block's event.
		base := v.Answers[unitURI]
		susp := suspendedUnit(base)
		susp.Code = unitURI
		v.Set(susp)
		a, _ = decodeAnswer(t, get(hc, code))
		assert.False(t, a.Producer.Suspended, "cached")
		require.NoError(t, src.Send(ctx, model.Event{Type: model.EventMemberUpdated, MSPID: "ManufacturerAMSP"}))
		a, _ = decodeAnswer(t, get(hc, code))
		assert.True(t, a.Producer.Suspended, "MemberUpdated forgot the cached answer")
		assert.Contains(t, get(hc, code, "Accept", browserAccept).Body.String(), `id="suspended-producer"`)
		cancel()
		<-followed
	})
}
