package epcisfeed

import "time"

// Option configures a Feeder.
type Option func(*Feeder)

// WithProgress calls fn after each indexed block, on the feeder's
// goroutine: a slow fn slows the feeder.
func WithProgress(fn func(Progress)) Option { return func(f *Feeder) { f.progress = fn } }

// WithClock sets the clock of Progress.Indexed; tests pass a fixed one.
func WithClock(now func() time.Time) Option { return func(f *Feeder) { f.now = now } }
