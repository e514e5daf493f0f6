package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"time"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/scansignal"
)

// signalConfig is the clone signals from the public's scans: off unless
// --signal-identity names a write-capable identity to file them with (the
// service itself keeps answering as --identity, the read-only one).
type signalConfig struct {
	identity       string
	sold, unknown  scansignal.Rule
	filingsPerHour int
}

func (s *signalConfig) flags(fs *flag.FlagSet) {
	fs.StringVar(&s.identity, "signal-identity", "", "file clone signals from the public's scans as the profile's user or admin identity (off when empty)")
	fs.IntVar(&s.sold.Threshold, "signal-sold-scans", scansignal.DefaultAfterSale.Threshold, "scans of one sold or decommissioned unit that raise a scanned_after_sale signal")
	fs.DurationVar(&s.sold.Window, "signal-sold-window", scansignal.DefaultAfterSale.Window, "window in which --signal-sold-scans are counted")
	fs.DurationVar(&s.sold.Gap, "signal-sold-gap", scansignal.DefaultAfterSale.Gap, "scans of one unit closer than this to the last counted one count once")
	fs.IntVar(&s.unknown.Threshold, "signal-unknown-scans", scansignal.DefaultUnknownSerials.Threshold, "scans of never commissioned serials of one registered GTIN that raise an unknown_serials signal")
	fs.DurationVar(&s.unknown.Window, "signal-unknown-window", scansignal.DefaultUnknownSerials.Window, "window in which --signal-unknown-scans are counted")
	fs.IntVar(&s.filingsPerHour, "signal-filings", scansignal.DefaultFilings, "signals filed per hour at most")
}

// check refuses an identity that cannot write, and rules that never fire.
func (s *signalConfig) check() error {
	switch s.identity {
	case "", client.IdentityUser, client.IdentityAdmin:
	default:
		return configErrorf("--signal-identity must be user or admin, got %q", s.identity)
	}
	if !s.sold.Valid() || !s.unknown.Valid() || s.filingsPerHour < 1 {
		return configErrorf("--signal-*-scans and --signal-filings must be 1 or more, windows positive and at most %v (the ledger's bound on a signal's window), the gap not negative",
			model.MaxSignalSpan)
	}
	return nil
}

// start connects as the signal identity and returns the detector to show
// scans to; run files until ctx ends, and the returned close releases the
// connection. Off, it returns nil.
func (s *signalConfig) start(ctx context.Context, profilePath string,
	open func(ctx context.Context, profilePath, identity string) (ledger, error), log *slog.Logger) (*scansignal.Detector, func() error, error) {
	if s.identity == "" {
		return nil, func() error { return nil }, nil
	}
	l, err := open(ctx, profilePath, s.identity)
	if err != nil {
		return nil, nil, err
	}
	f, ok := l.(scansignal.Filer)
	if !ok {
		_ = l.Close()
		return nil, nil, errors.New("the ledger client cannot file signals")
	}
	d, err := scansignal.New(f, scansignal.WithAfterSale(s.sold), scansignal.WithUnknownSerials(s.unknown),
		scansignal.WithFilingLimit(s.filingsPerHour, time.Hour), scansignal.WithLogger(log))
	if err != nil {
		_ = l.Close()
		return nil, nil, &ConfigError{Msg: err.Error()}
	}
	go d.Run(ctx)
	return d, l.Close, nil
}
