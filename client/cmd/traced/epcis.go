package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/epcisapi"
	"github.com/tracechain/tracechain/client/epciscapture"
	"github.com/tracechain/tracechain/client/epcisfeed"
	"github.com/tracechain/tracechain/client/epcissubscribe"
	"github.com/tracechain/tracechain/client/eventindex"
	"github.com/tracechain/tracechain/client/masterdata"
)

// epcisConfig is the member-facing EPCIS 2.0 interface: capture and query,
// for the member's own systems only.
type epcisConfig struct {
	listen   string
	index    string // SQLite file, or a postgres:// DSN
	tlsCert  string
	tlsKey   string
	clientCA string
	rebuild  bool // empty the index at start, so the feeder rebuilds it from block 0
	// webhookAllow and webhookHTTP widen the webhook destination policy of
	// subscriptions (by default public https addresses only).
	webhookAllow string
	webhookHTTP  bool
	policy       epcissubscribe.DestPolicy
}

func (e *epcisConfig) flags(fs *flag.FlagSet) {
	fs.StringVar(&e.listen, "epcis-listen", "", "address of the member-facing EPCIS 2.0 capture and query interface, host:port (off when empty)")
	fs.StringVar(&e.index, "epcis-index", "", "EPCIS event index: a SQLite file, or a postgres:// DSN for PostgreSQL")
	fs.StringVar(&e.tlsCert, "epcis-tls-cert", "", "PEM certificate of the EPCIS interface")
	fs.StringVar(&e.tlsKey, "epcis-tls-key", "", "PEM private key of --epcis-tls-cert")
	fs.StringVar(&e.clientCA, "epcis-client-ca", "", "PEM CA certificates of the member's own CA: only clients with a certificate it issued are served")
	fs.StringVar(&e.webhookAllow, "epcis-webhook-allow", "", "comma-separated networks (CIDR) that subscription webhooks may reach although not public, e.g. 127.0.0.0/8 for tests")
	fs.BoolVar(&e.webhookHTTP, "epcis-webhook-http", false, "let subscription webhooks use http:// (tests; by default https only)")
	fs.BoolVar(&e.rebuild, "epcis-rebuild", false, "empty the EPCIS index at start and rebuild it from the ledger's block 0 (captured events kept verbatim survive)")
}

// check refuses an EPCIS interface without mutual TLS: it captures into the
// ledger as the member, so it serves only the member's own clients.
func (e *epcisConfig) check() error {
	if e.listen == "" {
		if e.index != "" || e.tlsCert != "" || e.tlsKey != "" || e.clientCA != "" || e.rebuild || e.webhookAllow != "" || e.webhookHTTP {
			return configErrorf("--epcis-index, --epcis-rebuild, --epcis-webhook-* and --epcis-tls-* need --epcis-listen")
		}
		return nil
	}
	e.policy = epcissubscribe.DestPolicy{AllowHTTP: e.webhookHTTP}
	for _, c := range strings.Split(e.webhookAllow, ",") {
		if c = strings.TrimSpace(c); c == "" {
			continue
		}
		p, err := netip.ParsePrefix(c)
		if err != nil {
			return configErrorf("--epcis-webhook-allow %q: %v", c, err)
		}
		e.policy.Allow = append(e.policy.Allow, p.Masked())
	}
	return checkMutualTLSListener("epcis", "the interface", e.listen, e.tlsCert, e.tlsKey, e.clientCA, e.index)
}

// tlsConfig requires and verifies a client certificate issued by the
// member's CA, and not one of those checkMemberClient refuses.
func (e *epcisConfig) tlsConfig() (*tls.Config, error) {
	cert, pool, err := loadMutualTLS("EPCIS", e.tlsCert, e.tlsKey, e.clientCA)
	if err != nil {
		return nil, err
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool,
		VerifyConnection: verifyMemberClient, MinVersion: tls.VersionTLS12}, nil
}

func (e *epcisConfig) postgres() bool {
	return strings.HasPrefix(e.index, "postgres://") || strings.HasPrefix(e.index, "postgresql://")
}

func (e *epcisConfig) openIndex(ctx context.Context) (*eventindex.Store, error) {
	if e.postgres() {
		return eventindex.OpenPostgres(ctx, e.index)
	}
	return eventindex.OpenSQLite(ctx, e.index)
}

// openSubscriptions opens the subscriptions' tables in the index's database.
func (e *epcisConfig) openSubscriptions(ctx context.Context) (*epcissubscribe.Store, error) {
	if e.postgres() {
		return epcissubscribe.OpenPostgres(ctx, e.index)
	}
	return epcissubscribe.OpenSQLite(ctx, e.index)
}

// epcisService is the running EPCIS interface.
type epcisService struct {
	srv      *http.Server
	ln       net.Listener
	capture  *epciscapture.Handler
	index    *eventindex.Store
	subs     *epcissubscribe.Store
	stopSubs context.CancelFunc
	subsDone chan struct{} // closed when the subscription engine has stopped
	member   ledger
	feeder   *epcisfeed.Feeder
	stopFeed context.CancelFunc
	fed      chan struct{} // closed when the feeder has stopped
}

// start opens the index and the member's own identity (user: captures
// write, so not the reader the public resolver uses), starts the feeder that
// keeps the index in step with the ledger, and listens.
func (e *epcisConfig) start(ctx context.Context, profilePath string,
	open func(ctx context.Context, profilePath, identity string) (ledger, error), logw io.Writer, log *slog.Logger) (*epcisService, error) {
	tc, err := e.tlsConfig()
	if err != nil {
		return nil, &ConfigError{Msg: err.Error()}
	}
	idx, err := e.openIndex(ctx)
	if err != nil {
		return nil, err
	}
	m, err := open(ctx, profilePath, client.IdentityUser)
	if err != nil {
		_ = idx.Close()
		return nil, err
	}
	cl, ok := m.(epciscapture.Ledger)
	src, follows := m.(epcisfeed.Source)
	md, reads := m.(masterdataSource)
	if !ok || !follows || !reads {
		_ = m.Close()
		_ = idx.Close()
		return nil, errors.New("the ledger client cannot capture or follow blocks")
	}
	if e.rebuild {
		if err := idx.Reset(ctx); err != nil {
			_ = m.Close()
			_ = idx.Close()
			return nil, err
		}
	}
	subs, err := e.openSubscriptions(ctx)
	if err != nil {
		_ = m.Close()
		_ = idx.Close()
		return nil, err
	}
	ln, err := net.Listen("tcp", e.listen)
	if err != nil {
		_ = m.Close()
		_ = subs.Close()
		_ = idx.Close()
		return nil, err
	}
	capture := epciscapture.New(cl, epciscapture.WithIndex(idx), epciscapture.WithMaxWait(epcisMaxWait), epciscapture.WithLogger(log))
	catalogue := masterdata.NewCatalogue()
	engine := epcissubscribe.New(idx, subs, epcissubscribe.WithDestPolicy(e.policy), epcissubscribe.WithLogger(log))
	s := &epcisService{capture: capture, index: idx, subs: subs, member: m, feeder: epcisfeed.New(src, idx), fed: make(chan struct{}),
		subsDone: make(chan struct{}),
		ln:       tls.NewListener(ln, tc), srv: &http.Server{
			Handler:           epcisRoot(idx, capture, engine, masterdata.NewPublisher(md, catalogue, log), log),
			TLSConfig:         tc,
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       2 * time.Minute, // a 64 MiB document on a slow link
			WriteTimeout:      epcisMaxWait + 15*time.Second,
			IdleTimeout:       2 * time.Minute,
			MaxHeaderBytes:    64 << 10,
		}}
	fctx, stop := context.WithCancel(context.Background())
	s.stopFeed = stop
	go s.follow(fctx, logw)
	sctx, stopSubs := context.WithCancel(context.Background())
	s.stopSubs = stopSubs
	go func() {
		defer close(s.subsDone)
		go s.followCatalogue(sctx, catalogue, md, logw)
		engine.Run(sctx)
	}()
	return s, nil
}

// masterdataSource is what the master-data document is read from.
type masterdataSource interface {
	masterdata.Ledger
	masterdata.Events
}

// epcisRoot composes the member-facing interface: the master-data document
// at /masterdata, and the EPCIS query binding (with capture and the
// /queries resources of subscriptions) everywhere else.
func epcisRoot(idx *eventindex.Store, capture http.Handler, engine *epcissubscribe.Engine, md http.Handler, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/masterdata", md)
	mux.Handle("/", epcisapi.New(idx, epcisapi.WithCapture(capture), epcisapi.WithLogger(log), epcisapi.WithQueries(engine.Handler())))
	return mux
}

// followCatalogue keeps the catalogue of registered products, from block
// 0, until ctx ends; a failed stream is reported and read again from block
// 0 (adding a GTIN twice is harmless).
func (s *epcisService) followCatalogue(ctx context.Context, cat *masterdata.Catalogue, src masterdata.Events, logw io.Writer) {
	for ctx.Err() == nil {
		if err := cat.Follow(ctx, src); err != nil && ctx.Err() == nil {
			fmt.Fprintf(logw, "traced: master data: %v\n", err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(feedRetry):
		}
	}
}

// feedRetry is how long the feeder waits before it tries a failed block
// again (the block stream itself reconnects with the client's retry policy).
const feedRetry = 5 * time.Second

// follow runs the feeder until ctx ends. A failed run is reported and run
// again from the checkpoint: a block that cannot be indexed stops the index
// there rather than lose its events, and it is tried again.
func (s *epcisService) follow(ctx context.Context, logw io.Writer) {
	defer close(s.fed)
	for ctx.Err() == nil {
		if err := s.feeder.Run(ctx); err != nil && ctx.Err() == nil {
			fmt.Fprintf(logw, "traced: EPCIS index: %v\n", err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(feedRetry):
		}
	}
}

// epcisMaxWait bounds GET /capture/{id}?wait=; the write timeout leaves room for it.
const epcisMaxWait = time.Minute

func (s *epcisService) serve() error { return s.srv.Serve(s.ln) }

// stop lets requests finish, then stops the jobs, the feeder, the identity
// and the index.
func (s *epcisService) stop(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	s.capture.Close()
	s.stopSubs()
	<-s.subsDone
	s.stopFeed()
	<-s.fed
	return errors.Join(err, s.member.Close(), s.subs.Close(), s.index.Close())
}
