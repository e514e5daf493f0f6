package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/console"
	"github.com/tracechain/tracechain/client/epcisfeed"
	"github.com/tracechain/tracechain/client/eventindex"
	"github.com/tracechain/tracechain/client/masterdata"
)

// consoleConfig is the regulator's console: a web application for the
// staff of the Regulator or a provincial regulator, on a listener of its
// own with mutual TLS against the organisation's own CA.
type consoleConfig struct {
	listen   string
	index    string // the console's own EPCIS index: a SQLite file or a postgres:// DSN
	tlsCert  string
	tlsKey   string
	clientCA string
	path     string
}

func (k *consoleConfig) flags(fs *flag.FlagSet) {
	fs.StringVar(&k.listen, "console-listen", "", "address of the regulator's console, host:port (off when empty; the Regulator or a provincial regulator only)")
	fs.StringVar(&k.index, "console-index", "", "the console's EPCIS event index: a SQLite file, or a postgres:// DSN (fed from the ledger's blocks)")
	fs.StringVar(&k.tlsCert, "console-tls-cert", "", "PEM certificate of the console")
	fs.StringVar(&k.tlsKey, "console-tls-key", "", "PEM private key of --console-tls-cert")
	fs.StringVar(&k.clientCA, "console-client-ca", "", "PEM CA certificates of the organisation's own CA: only staff certificates it issued are served")
	fs.StringVar(&k.path, "console-path", "/console/", "the path the console is served under")
}

// check refuses a console without mutual TLS: it is for the organisation's
// own staff only, and it decides reports on the ledger.
func (k *consoleConfig) check() error {
	if k.listen == "" {
		if k.index != "" || k.tlsCert != "" || k.tlsKey != "" || k.clientCA != "" {
			return configErrorf("--console-index and --console-tls-* need --console-listen")
		}
		return nil
	}
	if err := checkMutualTLSListener("console", "the console", k.listen, k.tlsCert, k.tlsKey, k.clientCA, k.index); err != nil {
		return err
	}
	if !consolePathRE.MatchString(k.path) || strings.Contains("/"+k.path+"/", "/./") || strings.Contains("/"+k.path+"/", "/../") {
		return configErrorf("--console-path %q must be an absolute path of letters, digits and - . _ ~ such as /console/", k.path)
	}
	return nil
}

// consolePathRE is a console path: segments of URL-safe characters only,
// so that it is a literal ServeMux pattern: braces would make a wildcard
// segment, and a "." or ".." segment (also refused) panics at start instead
// of refusing the flag.
var consolePathRE = regexp.MustCompile(`^(/[A-Za-z0-9._~-]+)+/?$`)

// tlsConfig requires a client certificate issued by the organisation's own
// CA, of a person (console.ServerTLS); a certificate of another
// organisation's CA fails the handshake.
func (k *consoleConfig) tlsConfig() (*tls.Config, error) {
	cert, pool, err := loadMutualTLS("console", k.tlsCert, k.tlsKey, k.clientCA)
	if err != nil {
		return nil, err
	}
	return console.ServerTLS(cert, pool), nil
}

// consoleLedger is what the console needs of a ledger client.
type consoleLedger interface {
	console.Ledger
	epcisfeed.Source
	masterdata.Events
	console.Member
}

// consoleService is the running console.
type consoleService struct {
	srv      *http.Server
	ln       net.Listener
	reads    ledger
	decides  ledger
	index    *eventindex.Store
	stop     context.CancelFunc
	done     chan struct{} // closed when the feeder and the catalogue have stopped
	consoleH *console.Console
}

// start checks the member's role, opens the console's index and the
// organisation's user identity (reads, blocks) and administrator identity
// (decisions, Regulator only), starts the feeder of the index and the
// catalogue of products, and listens.
func (k *consoleConfig) start(ctx context.Context, profilePath string,
	open func(ctx context.Context, profilePath, identity string) (ledger, error), logw io.Writer, log *slog.Logger) (s *consoleService, err error) {
	tc, err := k.tlsConfig()
	if err != nil {
		return nil, &ConfigError{Msg: err.Error()}
	}
	var closers []func() error
	defer func() {
		if err != nil {
			for i := len(closers) - 1; i >= 0; i-- {
				_ = closers[i]()
			}
		}
	}()
	reads, err := open(ctx, profilePath, client.IdentityUser)
	if err != nil {
		return nil, err
	}
	closers = append(closers, reads.Close)
	cl, ok := reads.(consoleLedger)
	if !ok {
		return nil, errors.New("the ledger client cannot serve the console")
	}
	member, err := console.RequireRegulator(ctx, cl)
	if err != nil {
		return nil, &ConfigError{Msg: err.Error()}
	}
	opts := []console.Option{console.WithBasePath(k.path), console.WithLogger(log), console.WithOrganisation(member.Name)}
	var decides ledger
	if member.Role == model.RoleRegulator {
		// Only the Regulator's administrator decides reports on the ledger.
		if decides, err = open(ctx, profilePath, client.IdentityAdmin); err != nil {
			return nil, err
		}
		closers = append(closers, decides.Close)
		d, ok := decides.(console.Decider)
		if !ok {
			return nil, errors.New("the ledger client cannot decide reports")
		}
		opts = append(opts, console.WithDecider(d))
	}
	var idx *eventindex.Store
	e := epcisConfig{index: k.index}
	if idx, err = e.openIndex(ctx); err != nil {
		return nil, err
	}
	closers = append(closers, idx.Close)
	ln, err := net.Listen("tcp", k.listen)
	if err != nil {
		return nil, err
	}
	cat := masterdata.NewCatalogue()
	c := console.New(cl, idx, append(opts, console.WithCatalogue(cat))...)
	mux := http.NewServeMux()
	mux.Handle(c.BasePath(), c)
	mux.Handle("/{$}", http.RedirectHandler(c.BasePath(), http.StatusFound))
	s = &consoleService{reads: reads, decides: decides, index: idx, consoleH: c, done: make(chan struct{}),
		ln: tls.NewListener(ln, tc), srv: &http.Server{
			Handler:           mux,
			TLSConfig:         tc,
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       15 * time.Second,
			WriteTimeout:      time.Minute, // a statistics page reads up to 20,000 indexed events
			IdleTimeout:       2 * time.Minute,
			MaxHeaderBytes:    32 << 10,
		}}
	fctx, stop := context.WithCancel(context.Background())
	s.stop = stop
	feeder := &epcisService{feeder: epcisfeed.New(cl, idx), fed: make(chan struct{})}
	catDone := make(chan struct{})
	go feeder.follow(fctx, logw)
	go func() {
		defer close(catDone)
		feeder.followCatalogue(fctx, cat, cl, logw)
	}()
	go func() {
		<-feeder.fed
		<-catDone
		close(s.done)
	}()
	log.Info("console: serving", "member", member.MSPID, "role", member.Role, "decides", decides != nil)
	return s, nil
}

func (s *consoleService) serve() error { return s.srv.Serve(s.ln) }

// shutdown lets requests finish, then stops the feeder, the identities and
// the index.
func (s *consoleService) shutdown(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	s.stop()
	<-s.done
	var errs []error
	errs = append(errs, err, s.reads.Close())
	if s.decides != nil {
		errs = append(errs, s.decides.Close())
	}
	return errors.Join(append(errs, s.index.Close())...)
}
