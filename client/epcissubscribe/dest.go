package epcissubscribe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// DestPolicy decides which webhook destinations a subscription may name,
// so that a subscriber cannot make the service send requests into the
// member's own network (SSRF): by default only https URLs whose host
// resolves to public unicast addresses. The check is made on the URL when
// the subscription is created and again on the address of every connection
// (so a name that later resolves to an internal address is refused too);
// redirects are never followed and no proxy is used.
type DestPolicy struct {
	// AllowHTTP admits http:// destinations (tests; a receiver behind a
	// TLS-terminating proxy on an allowed network).
	AllowHTTP bool
	// Allow lists networks admitted although they are not public, e.g.
	// 127.0.0.0/8 for tests, or a partner's private link.
	Allow []netip.Prefix
}

// MaxDestLen bounds a destination URL.
const MaxDestLen = 2048

// notPublic are ranges that IsGlobalUnicast and IsPrivate admit but that
// reach no public host or reach an internal one by translation.
var notPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"), // NAT64: any IPv4 address, internal ones too
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("2002::/16"), // 6to4: embeds an IPv4 address
	netip.MustParsePrefix("::/96"),     // IPv4-compatible (deprecated): a host with automatic tunnelling sends it to the IPv4 address
	netip.MustParsePrefix("2001::/32"), // Teredo: embeds an IPv4 address
	netip.MustParsePrefix("fec0::/10"), // site-local (deprecated): internal by definition, still routed by some networks
	netip.MustParsePrefix("100::/64"),  // discard-only
}

// Allowed says whether a connection to ip is admitted.
func (p DestPolicy) Allowed(ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, a := range p.Allow {
		if a.Contains(ip) {
			return true
		}
	}
	if !ip.IsGlobalUnicast() || ip.IsPrivate() {
		return false
	}
	for _, n := range notPublic {
		if n.Contains(ip) {
			return false
		}
	}
	return true
}

// ErrDestination is the refusal of a destination; its text names the rule,
// never what a connection attempt found.
var ErrDestination = errors.New("destination not allowed")

// CheckURL checks the form of a destination: an absolute https (or, with
// AllowHTTP, http) URL with a host, no user information and no fragment,
// at most MaxDestLen bytes; a literal address must be allowed, and
// "localhost" is refused unless loopback is.
func (p DestPolicy) CheckURL(dest string) error {
	if len(dest) > MaxDestLen {
		return fmt.Errorf("%w: dest is longer than %d bytes", ErrDestination, MaxDestLen)
	}
	u, err := url.Parse(dest)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("%w: dest must be an absolute URL", ErrDestination)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && p.AllowHTTP:
	default:
		return fmt.Errorf("%w: dest must be an https URL", ErrDestination)
	}
	if u.User != nil || u.Fragment != "" || u.RawFragment != "" {
		return fmt.Errorf("%w: dest must carry no user information or fragment", ErrDestination)
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		if !p.Allowed(ip) {
			return fmt.Errorf("%w: %s is not a public address", ErrDestination, host)
		}
		return nil
	}
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		if !p.Allowed(netip.MustParseAddr("127.0.0.1")) {
			return fmt.Errorf("%w: %s is not a public host", ErrDestination, host)
		}
	}
	return nil
}

// control refuses, at connect time, an address the policy does not admit.
func (p DestPolicy) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !p.Allowed(ap.Addr()) {
		return ErrDestination
	}
	return nil
}

// Client returns the HTTP client of deliveries under the policy: every
// connection's address checked, no proxy, no redirects, timeout bounding a
// whole delivery.
func (p DestPolicy) Client(timeout time.Duration) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second, Control: p.control}
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           func(ctx context.Context, n, a string) (net.Conn, error) { return d.DialContext(ctx, n, a) },
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: timeout,
			MaxIdleConnsPerHost:   2,
			IdleConnTimeout:       90 * time.Second,
			ForceAttemptHTTP2:     true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
