package epcissubscribe

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// TestRefusals: every request a dishonest or careless subscriber could
// make that the resources refuse, with the answer's status and type.
func TestRefusals(t *testing.T) {
	f := newFixture(t, WithLimits(Limits{SubscriptionsPerClient: 2, QueriesPerClient: 1}))
	const adhoc = "/queries/SimpleEventQuery/subscriptions"
	ok := `"signatureToken":"` + token + `","stream":true`
	for _, c := range []struct {
		name, client, method, target, body string
		status                             int
		typ                                string
	}{
		{"anonymous", "", "GET", "/queries", "", 401, SecurityException},
		{"loopback without the test allowance is refused below", "platform", "POST", adhoc, `{"dest":"https://10.1.2.3/hook",` + ok + `}`, 400, SubscriptionControlsException},
		{"link-local metadata address", "platform", "POST", adhoc, `{"dest":"https://169.254.169.254/latest",` + ok + `}`, 400, SubscriptionControlsException},
		{"IPv6 unique local", "platform", "POST", adhoc, `{"dest":"https://[fd00::1]/hook",` + ok + `}`, 400, SubscriptionControlsException},
		{"NAT64 of an internal address", "platform", "POST", adhoc, `{"dest":"https://[64:ff9b::a00:1]/hook",` + ok + `}`, 400, SubscriptionControlsException},
		{"user information", "platform", "POST", adhoc, `{"dest":"https://u:p@127.0.0.1/hook",` + ok + `}`, 400, SubscriptionControlsException},
		{"not http", "platform", "POST", adhoc, `{"dest":"file:///etc/passwd",` + ok + `}`, 400, SubscriptionControlsException},
		{"no token", "platform", "POST", adhoc, `{"dest":"http://127.0.0.1:1/hook","stream":true}`, 400, SubscriptionControlsException},
		{"short token", "platform", "POST", adhoc, `{"dest":"http://127.0.0.1:1/hook","signatureToken":"abc","stream":true}`, 400, SubscriptionControlsException},
		{"neither stream nor schedule", "platform", "POST", adhoc, `{"dest":"http://127.0.0.1:1/hook","signatureToken":"` + token + `"}`, 400, SubscriptionControlsException},
		{"both", "platform", "POST", adhoc, `{"dest":"http://127.0.0.1:1/hook",` + ok + `,"schedule":{"hour":"1"}}`, 400, SubscriptionControlsException},
		{"bad schedule", "platform", "POST", adhoc, `{"dest":"http://127.0.0.1:1/hook","signatureToken":"` + token + `","schedule":{"hour":"25"}}`, 400, SubscriptionControlsException},
		{"unknown field", "platform", "POST", adhoc, `{"dest":"http://127.0.0.1:1/hook",` + ok + `,"secret":"x"}`, 400, "epcisException:QueryParameterException"},
		{"paging in a subscription", "platform", "POST", adhoc + "?perPage=5", `{"dest":"http://127.0.0.1:1/hook",` + ok + `}`, 400, "epcisException:QueryParameterException"},
		{"unknown parameter", "platform", "POST", adhoc + "?EQ_quantity=5", `{"dest":"http://127.0.0.1:1/hook",` + ok + `}`, 400, "epcisException:QueryParameterException"},
		{"no such query", "platform", "POST", "/queries/nothing/subscriptions", `{"dest":"http://127.0.0.1:1/hook",` + ok + `}`, 404, NoSuchNameException},
		{"reserved query name", "platform", "POST", "/queries", `{"name":"SimpleEventQuery","query":{}}`, 400, QueryValidationException},
		{"bad query name", "platform", "POST", "/queries", `{"name":"a/b","query":{}}`, 400, QueryValidationException},
		{"bad query", "platform", "POST", "/queries", `{"name":"q","query":{"EQ_bizStep":"x","MATCH_nothing":["y"]}}`, 400, "epcisException:QueryParameterException"},
		{"huge body", "platform", "POST", "/queries", `{"name":"q","query":{"EQ_bizStep":["` + strings.Repeat("x", MaxDefinitionBytes) + `"]}}`, 413, "epcisException:QueryTooLargeException"},
	} {
		t.Run(c.name, func(t *testing.T) {
			strict := f.eng.policy
			if strings.HasPrefix(c.name, "loopback") {
				f.eng.policy = DestPolicy{}
				defer func() { f.eng.policy = strict }()
			}
			w := f.do(c.client, c.method, c.target, c.body)
			if w.Code != c.status || !strings.Contains(w.Body.String(), c.typ) {
				t.Fatalf("%d %s, want %d %s", w.Code, w.Body, c.status, c.typ)
			}
		})
	}
	// Loopback, and http, need the test allowance.
	f.eng.policy = DestPolicy{}
	if w := f.do("platform", "POST", adhoc, `{"dest":"https://127.0.0.1/hook",`+ok+`}`); w.Code != 400 {
		t.Fatalf("loopback admitted by the default policy: %d", w.Code)
	}
	if w := f.do("platform", "POST", adhoc, `{"dest":"https://localhost/hook",`+ok+`}`); w.Code != 400 {
		t.Fatalf("localhost admitted by the default policy: %d", w.Code)
	}
	if w := f.do("platform", "POST", adhoc, `{"dest":"http://example.com/hook",`+ok+`}`); w.Code != 400 {
		t.Fatalf("http admitted by the default policy: %d", w.Code)
	}
	f.eng.policy = testPolicy

	// Bounds per client, and another client's subscriptions are not there.
	id := f.subscribe("platform", adhoc, "http://127.0.0.1:1/hook", `,"stream":true`)
	f.subscribe("platform", adhoc, "http://127.0.0.1:1/hook", `,"stream":true`)
	if w := f.do("platform", "POST", adhoc, `{"dest":"http://127.0.0.1:1/hook",`+ok+`}`); w.Code != http.StatusTooManyRequests {
		t.Fatalf("a third subscription: %d %s", w.Code, w.Body)
	}
	f.subscribe("other", adhoc, "http://127.0.0.1:1/hook", `,"stream":true`)
	for _, m := range []string{"GET", "DELETE"} {
		if w := f.do("other", m, adhoc+"/"+id, ""); w.Code != http.StatusNotFound {
			t.Fatalf("%s of another client's subscription: %d", m, w.Code)
		}
	}
	if w := f.do("other", "POST", adhoc+"/"+id+"/resume", ""); w.Code != http.StatusNotFound {
		t.Fatalf("resume of another client's subscription: %d", w.Code)
	}
	if w := f.do("other", "GET", adhoc, ""); w.Code != 200 || strings.Contains(w.Body.String(), id) {
		t.Fatalf("another client lists %s: %s", id, w.Body)
	}
	if w := f.do("platform", "GET", adhoc, ""); w.Code != 200 || !strings.Contains(w.Body.String(), id) || strings.Contains(w.Body.String(), token) {
		t.Fatalf("the owner's list: %s", w.Body)
	}
	if w := f.do("platform", "POST", "/queries", `{"name":"q1","query":{}}`); w.Code != 201 {
		t.Fatalf("a named query: %d %s", w.Code, w.Body)
	}
	if w := f.do("other", "POST", "/queries", `{"name":"q1","query":{}}`); w.Code != http.StatusConflict {
		t.Fatalf("the same name again: %d %s", w.Code, w.Body)
	}
	if w := f.do("platform", "POST", "/queries", `{"name":"q2","query":{}}`); w.Code != http.StatusTooManyRequests {
		t.Fatalf("a second named query: %d %s", w.Code, w.Body)
	}
	if w := f.do("platform", "DELETE", adhoc+"/"+id, ""); w.Code != http.StatusNoContent {
		t.Fatalf("delete: %d", w.Code)
	}
}

// TestDeliveryRefusesAnAddressTheNameResolvesTo: the check is made again on
// the connection, so a name that resolves to an internal address (DNS
// rebinding) is refused although its URL passed.
func TestDeliveryRefusesAnAddressTheNameResolvesTo(t *testing.T) {
	p := DestPolicy{AllowHTTP: true}
	if err := p.CheckURL("http://localhost.example/hook"); err != nil {
		t.Fatal(err)
	}
	if err := p.control("tcp", "127.0.0.1:80", nil); err == nil {
		t.Fatal("a loopback connection admitted")
	}
	if err := p.control("tcp", "[::ffff:10.0.0.1]:443", nil); err == nil {
		t.Fatal("an IPv4-mapped private connection admitted")
	}
	if err := p.control("tcp", "93.184.216.34:443", nil); err != nil {
		t.Fatalf("a public address refused: %v", err)
	}
	allow := DestPolicy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}
	if err := allow.control("tcp", "127.0.0.1:80", nil); err != nil {
		t.Fatalf("an allowed network refused: %v", err)
	}
}

// TestDeliveryChecksTheConnectionsAddress: a subscription whose URL
// passed (here made while loopback was allowed) is not delivered once the
// policy refuses its address: the delivery client checks every connection,
// so the receiver gets no request and the subscriber sees only "no answer".
func TestDeliveryChecksTheConnectionsAddress(t *testing.T) {
	f := newFixture(t)
	rc := &receiver{t: t}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	id := f.subscribe("platform", "/queries/SimpleEventQuery/subscriptions", srv.URL, `,"stream":true`)
	f.eng.client = DestPolicy{AllowHTTP: true}.Client(time.Second)
	f.index(1, "shipping")
	f.drain()
	if rc.deliveries != 0 {
		t.Fatal("a refused address was reached")
	}
	w := f.do("platform", "GET", "/queries/SimpleEventQuery/subscriptions/"+id, "")
	if !strings.Contains(w.Body.String(), `"tracechain:lastError":"no answer from the destination"`) || strings.Contains(w.Body.String(), "127.0.0.1:") &&
		strings.Contains(w.Body.String(), "refused") {
		t.Fatalf("the subscriber's view: %s", w.Body)
	}
}

// TestDeletingAQueryLeavesOtherClientsSubscriptions: the owner of a named
// query cannot end another client's subscriptions to it by deleting the
// query (409, nothing deleted); once only its own subscriptions use it, the
// query goes with them.
func TestDeletingAQueryLeavesOtherClientsSubscriptions(t *testing.T) {
	f := newFixture(t)
	if w := f.do("maker", "POST", "/queries", `{"name":"recalls","query":{"EQ_disposition":["recalled"]}}`); w.Code != http.StatusCreated {
		t.Fatalf("a named query: %d %s", w.Code, w.Body)
	}
	const subs = "/queries/recalls/subscriptions"
	mine := f.subscribe("maker", subs, "http://127.0.0.1:1/hook", `,"stream":true`)
	theirs := f.subscribe("platform", subs, "http://127.0.0.1:1/hook", `,"stream":true`)
	if w := f.do("platform", "DELETE", "/queries/recalls", ""); w.Code != http.StatusForbidden {
		t.Fatalf("a query deleted by a client that did not create it: %d %s", w.Code, w.Body)
	}
	w := f.do("maker", "DELETE", "/queries/recalls", "")
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), SubscriptionControlsException) {
		t.Fatalf("a query another client subscribes to deleted: %d %s", w.Code, w.Body)
	}
	for client, id := range map[string]string{"maker": mine, "platform": theirs} {
		if w := f.do(client, "GET", subs+"/"+id, ""); w.Code != http.StatusOK {
			t.Fatalf("%s's subscription after the refused delete: %d %s", client, w.Code, w.Body)
		}
	}
	if w := f.do("platform", "DELETE", subs+"/"+theirs, ""); w.Code != http.StatusNoContent {
		t.Fatalf("unsubscribe: %d %s", w.Code, w.Body)
	}
	if w := f.do("maker", "DELETE", "/queries/recalls", ""); w.Code != http.StatusNoContent {
		t.Fatalf("delete of a query only its owner subscribes to: %d %s", w.Code, w.Body)
	}
	if w := f.do("maker", "GET", subs+"/"+mine, ""); w.Code != http.StatusNotFound {
		t.Fatalf("the owner's subscription outlived its query: %d %s", w.Code, w.Body)
	}
	if w := f.do("platform", "POST", subs, `{"dest":"http://127.0.0.1:1/hook","signatureToken":"`+token+`","stream":true}`); w.Code != http.StatusNotFound {
		t.Fatalf("a subscription to a deleted query: %d %s", w.Code, w.Body)
	}
}

// TestPolicyRefusesAddressesThatEmbedOrReachInternalOnes: IPv6 forms that
// carry an IPv4 address or reach an internal network, and IPv4-mapped forms
// of internal addresses, are refused at creation and on the connection.
func TestPolicyRefusesAddressesThatEmbedOrReachInternalOnes(t *testing.T) {
	var p DestPolicy
	for _, a := range []string{"::a00:1", "::7f00:1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.0.0.1",
		"2001:0:4136:e378:8000:63bf:3fff:fdd2", "fec0::1", "100::1", "64:ff9b::a9fe:a9fe", "2002:a00:1::1", "fe80::1", "ff02::1", "::", "::1"} {
		if p.Allowed(netip.MustParseAddr(a)) {
			t.Errorf("%s admitted", a)
		}
		if err := p.CheckURL("https://[" + a + "]/hook"); err == nil {
			t.Errorf("https://[%s]/hook admitted", a)
		}
	}
	for _, a := range []string{"93.184.216.34", "::ffff:93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"} {
		if !p.Allowed(netip.MustParseAddr(a)) {
			t.Errorf("public %s refused", a)
		}
	}
}
