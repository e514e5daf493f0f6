package resolver

import (
	"math"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"
)

// maxBuckets bounds the limiter's memory; see limiter.allow.
const maxBuckets = 100000

type bucket struct {
	tokens float64
	last   time.Time
}

// limiter is a token bucket per client: rate tokens per second, at most
// burst. It answers how long to wait when a request is refused.
type limiter struct {
	mu      sync.Mutex
	rate    float64
	burst   float64
	buckets map[string]*bucket
}

func newLimiter(rate float64, burst int) *limiter {
	if burst < 1 {
		burst = 1
	}
	return &limiter{rate: rate, burst: float64(burst), buckets: map[string]*bucket{}}
}

// allow takes a token of client's bucket, or returns the wait until one is
// available.
func (l *limiter) allow(client string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[client]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			l.sweep(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[client] = b
	}
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = math.Min(l.burst, b.tokens+el*l.rate)
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

// sweep drops the buckets that have refilled: forgetting them changes no
// answer. If every client is still throttled, it drops them all rather than
// grow without bound (a flood of fresh addresses then gets fresh buckets,
// which the burst limits anyway).
func (l *limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) >= maxBuckets {
		clear(l.buckets)
	}
}

// ipv6ClientBits is the prefix that names one IPv6 client. A /64 is the
// smallest network a provider hands out (one LAN, SLAAC, privacy
// addresses), and its holder picks the low 64 bits at will: keyed on the
// whole address, one host rotating them is a fresh client at every request.
const ipv6ClientBits = 64

// ClientKey is what the rate limit counts a client by, given the address
// that names it: an IPv4 address as it is, an IPv4-mapped IPv6 address as
// the IPv4 address, any other IPv6 address as its /64 ("2001:db8:1:2::/64",
// zone dropped). A string that is not an address is its own key, so a
// WithClientIP function that names clients otherwise keeps working.
func ClientKey(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	a = a.WithZone("").Unmap()
	if a.Is4() {
		return a.String()
	}
	p, err := a.Prefix(ipv6ClientBits)
	if err != nil {
		return addr // unreachable: a is IPv6
	}
	return p.String()
}

// RemoteIP is the default client key of the rate limit: the IP address of
// the connection's peer.
func RemoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ForwardedIP keys the rate limit on the last address of X-Forwarded-For,
// the one the reverse proxy in front of the resolver appended; use it only
// behind such a proxy, since a client can write any earlier entry.
func ForwardedIP(r *http.Request) string {
	xff := r.Header.Values("X-Forwarded-For")
	if len(xff) == 0 {
		return RemoteIP(r)
	}
	last := xff[len(xff)-1]
	for i := len(last) - 1; i >= 0; i-- {
		if last[i] == ',' {
			last = last[i+1:]
			break
		}
	}
	for len(last) > 0 && last[0] == ' ' {
		last = last[1:]
	}
	if ip := net.ParseIP(last); ip != nil {
		return ip.String()
	}
	return RemoteIP(r)
}
