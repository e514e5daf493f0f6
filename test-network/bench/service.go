package bench

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/resolver"
)

// verificationService is the public verification service as traced runs it
// (the Regulator's read-only identity, verdicts cached and kept true by block
// events), served on loopback for the verify-http scenario.
type verificationService struct {
	base     string
	resolver *resolver.Resolver
	reader   *client.Client
	srv      *http.Server
	stop     context.CancelFunc
	// warmHits and warmMisses are the cache's counts after warming, so the
	// reported hit rate is that of the measured scans.
	warmHits, warmMisses uint64
}

// startService starts the service on a free loopback port.
func startService(ctx context.Context, runDir string) (*verificationService, error) {
	p, err := client.LoadProfile(filepath.Join(runDir, "connection", strings.ToLower(OrgRegulator)+".json"))
	if err != nil {
		return nil, err
	}
	reader, err := client.Connect(ctx, client.WithProfileAs(p, client.IdentityReader))
	if err != nil {
		return nil, fmt.Errorf("the Regulator's read-only identity: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = reader.Close()
		return nil, err
	}
	base := "http://" + ln.Addr().String()
	// traced's defaults (the TTL is long: block events keep the cache true).
	h := resolver.New(reader, resolver.WithDomain(base), resolver.WithCacheTTL(10*time.Minute), resolver.WithRateLimit(0, 1))
	fctx, stop := context.WithCancel(context.Background())
	go h.Follow(fctx, reader, io.Discard)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return &verificationService{base: base, resolver: h, reader: reader, srv: srv, stop: stop}, nil
}

func (v *verificationService) close() {
	v.stop()
	_ = v.srv.Close()
	_ = v.reader.Close()
}

// scanClient is a shopper's phone: it follows the resolver's redirect to the
// verdict and keeps connections alive, as a browser does.
var scanClient = &http.Client{
	Timeout:   evaluateTimeout,
	Transport: &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 512, IdleConnTimeout: time.Minute},
}

// get GETs url as JSON, as a phone scanning the code would, and returns the
// status and up to 64 KiB of the answer.
func get(ctx context.Context, url string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := scanClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, body, err
}

// scanURL scans url and names a failure like the runner does.
func scanURL(ctx context.Context, url string) (string, string) {
	status, _, err := get(ctx, url)
	switch {
	case err != nil:
		return "http", err.Error()
	case status != http.StatusOK:
		return fmt.Sprintf("http %d", status), http.StatusText(status)
	}
	return "", ""
}

// scanUnits is how many units the skewed scan mix is drawn from.
const scanUnits = 10000

// prepareVerifyHTTP commissions the units, starts the service and draws
// scans of their QR Digital Links from a Zipf distribution: a few popular
// products are scanned often, most rarely, as at real points of sale.
func prepareVerifyHTTP(ctx context.Context, s *suite, _ Plan) (Source, error) {
	n := scanUnits
	if s.cfg.Short {
		n = 1000
	}
	units, err := s.commissionUnits(ctx, n)
	if err != nil {
		return nil, err
	}
	if s.service == nil {
		if s.service, err = startService(ctx, s.cfg.RunDir); err != nil {
			return nil, err
		}
	}
	paths := make([]string, len(units))
	for i, u := range units {
		c, err := identifier.Parse(u)
		if err != nil {
			return nil, err
		}
		paths[i] = s.service.base + strings.TrimPrefix(c.Canonical, "https://id.gs1.org")
	}
	// A service in use has seen its codes before: scan each once, untimed, so
	// the measurement is of the steady state rather than of cold misses.
	if err := warm(ctx, paths); err != nil {
		return nil, err
	}
	s.service.warmHits, s.service.warmMisses = s.service.resolver.CacheStats()
	zipf := rand.NewZipf(rand.New(rand.NewPCG(1, 2)), 1.1, 1, uint64(len(paths)-1)) //nolint:gosec // a seeded, repeatable workload, not a secret
	draws := make([]int, 1<<16)
	for i := range draws {
		draws[i] = int(zipf.Uint64()) //nolint:gosec // the Zipf draw is at most len(paths)-1
	}
	s.notes["verify-http"] = fmt.Sprintf("Zipf(s=1.1) over %d units, each scan the QR's Digital Link, its 307 and the JSON verdict", len(paths))
	return func(seq int) (Op, bool, error) {
		return Op{Units: 1, Steps: []Tx{{Org: OrgRetailer, Evaluate: true, URL: paths[draws[seq%len(draws)]]}}}, true, nil
	}, nil
}

// warm scans every path once, 16 at a time.
func warm(ctx context.Context, paths []string) error {
	errs := make(chan error, len(paths))
	sem := make(chan struct{}, 16)
	for _, p := range paths {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			if fail, msg := scanURL(ctx, p); fail != "" {
				errs <- fmt.Errorf("warming %s: %s", p, msg)
			}
		}()
	}
	for range cap(sem) {
		sem <- struct{}{}
	}
	close(errs)
	return <-errs
}

// afterVerifyHTTP reports the cache hit rate and how long after a recall's
// commit the service answers recalled for a unit it had cached as genuine.
func afterVerifyHTTP(ctx context.Context, s *suite) error {
	if s.service == nil {
		return nil
	}
	hits, misses := s.service.resolver.CacheStats()
	hits, misses = hits-s.service.warmHits, misses-s.service.warmMisses
	note := s.notes["verify-http"]
	if hits+misses > 0 {
		note += fmt.Sprintf("; cache hit rate %.1f%% (%d of %d scans)", 100*float64(hits)/float64(hits+misses), hits, hits+misses)
	}
	units, err := s.commissionUnits(ctx, 1)
	if err != nil {
		return err
	}
	c, err := identifier.Parse(units[0])
	if err != nil {
		return err
	}
	url := s.service.base + strings.TrimPrefix(c.Canonical, "https://id.gs1.org")
	if fail, msg := scanURL(ctx, url); fail != "" {
		return fmt.Errorf("scanning %s: %s", url, msg)
	}
	if _, err := s.conns[OrgManufacturer].admin.Recall(ctx, model.RecallRequest{Codes: units, Reason: "benchmark staleness probe"}); err != nil {
		return err
	}
	committed := time.Now()
	for time.Since(committed) < 10*time.Second {
		if recalledAnswer(ctx, url) {
			note += fmt.Sprintf("; a recall showed %d ms after its commit returned", time.Since(committed).Milliseconds())
			s.notes["verify-http"] = note
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.notes["verify-http"] = note + "; a recall did not show within 10 s"
	return nil
}
func recalledAnswer(ctx context.Context, url string) bool {
	_, body, err := get(ctx, url)
	return err == nil && strings.Contains(string(body), `"verdict":"recalled"`)
}
