package resolver_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/client/resolver"
)

func TestClientKey(t *testing.T) {
	for _, tc := range []struct{ addr, want string }{
		{"192.0.2.1", "192.0.2.1"},
		{"::ffff:192.0.2.1", "192.0.2.1"}, // IPv4-mapped: the IPv4 client it is
		{"::ffff:c000:201", "192.0.2.1"},
		{"2001:db8:1:2::1", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"},
		{"2001:DB8:1:2:0:0:0:7", "2001:db8:1:2::/64"},
		{"2001:db8:1:3::1", "2001:db8:1:3::/64"}, // the next /64 is another client
		{"fe80::1%eth0", "fe80::/64"},
		{"::1", "::/64"},
		{"not an address", "not an address"},
		{"", ""},
	} {
		assert.Equal(t, tc.want, resolver.ClientKey(tc.addr), tc.addr)
	}
}

// TestRateLimitKeys: the address each request names its client by, from the
// socket or from X-Forwarded-For behind a trusted proxy, and the bucket it
// is counted in.
func TestRateLimitKeys(t *testing.T) {
	for _, tc := range []struct {
		name       string
		remote     string
		xff        []string
		forwarded  bool // WithClientIP(ForwardedIP)
		wantIP     string
		wantBucket string
	}{
		{"IPv4 socket", "192.0.2.1:5000", nil, false, "192.0.2.1", "192.0.2.1"},
		{"IPv6 socket", "[2001:db8:1:2::abcd]:5000", nil, false, "2001:db8:1:2::abcd", "2001:db8:1:2::/64"},
		{"IPv4-mapped socket", "[::ffff:192.0.2.1]:5000", nil, false, "::ffff:192.0.2.1", "192.0.2.1"},
		{"XFF ignored without trust", "192.0.2.1:5000", []string{"2001:db8::1"}, false, "192.0.2.1", "192.0.2.1"},
		{"IPv6 forwarded", "10.0.0.1:1", []string{"2001:db8:1:2::77"}, true, "2001:db8:1:2::77", "2001:db8:1:2::/64"},
		{"IPv4-mapped forwarded", "10.0.0.1:1", []string{"::ffff:198.51.100.4"}, true, "198.51.100.4", "198.51.100.4"},
		{"last forwarded entry only", "10.0.0.1:1", []string{"2001:db8:9:9::1, 2001:db8:1:2::5"}, true, "2001:db8:1:2::5", "2001:db8:1:2::/64"},
		{"last of several headers", "10.0.0.1:1", []string{"203.0.113.9", "198.51.100.4"}, true, "198.51.100.4", "198.51.100.4"},
		{"unparsable forwarded falls back to the socket", "[2001:db8:5:5::1]:1", []string{"unknown"}, true, "2001:db8:5:5::1", "2001:db8:5:5::/64"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tc.remote
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			f := resolver.RemoteIP
			if tc.forwarded {
				f = resolver.ForwardedIP
			}
			assert.Equal(t, tc.wantIP, f(r))
			assert.Equal(t, tc.wantBucket, resolver.ClientKey(f(r)))
		})
	}
}

// TestRateLimitCountsAnIPv6SlashSixtyFourAsOneClient: a host that rotates
// the low 64 bits of its address at every request is still one client, by
// socket and behind a proxy; the next /64 is another.
func TestRateLimitCountsAnIPv6SlashSixtyFourAsOneClient(t *testing.T) {
	for _, forwarded := range []bool{false, true} {
		t.Run(fmt.Sprintf("forwarded=%v", forwarded), func(t *testing.T) {
			v := ledger()
			opts := []resolver.Option{resolver.WithRateLimit(1, 10), resolver.WithClock(func() time.Time { return now })}
			if forwarded {
				opts = append(opts, resolver.WithClientIP(resolver.ForwardedIP))
			}
			h := newResolver(v, opts...)
			from := func(addr string) int {
				r := httptest.NewRequest(http.MethodGet, "/verify?code=(01)"+gtin+"(21)SN-1", nil)
				if forwarded {
					r.RemoteAddr = "10.0.0.1:1234"
					r.Header.Set("X-Forwarded-For", "203.0.113.50, "+addr)
				} else {
					r.RemoteAddr = "[" + addr + "]:443"
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				return w.Code
			}
			served := 0
			for i := range 1000 {
				addr := fmt.Sprintf("2001:db8:1:2:%x:%x:%x:%x", i*7919%65536, i, 0xffff-i, i*31%65536)
				if code := from(addr); code == http.StatusOK {
					served++
				} else {
					require.Equal(t, http.StatusTooManyRequests, code)
				}
			}
			assert.Equal(t, 10, served, "1,000 addresses of one /64 get one client's burst")
			assert.Equal(t, http.StatusOK, from("2001:db8:1:3::1"), "another /64 is another client")
			for range 10 {
				require.Equal(t, http.StatusOK, from("::ffff:192.0.2.9"))
			}
			assert.Equal(t, http.StatusTooManyRequests, from("192.0.2.9"), "an IPv4-mapped address is its IPv4 client")
		})
	}
}
