package epcisxml

// Limits bound what the reader accepts. The byte and event bounds are
// those of a JSON capture (epciscapture.DefaultLimits); the depth is the
// JSON reader's (an EPCIS XML event needs about ten levels, its
// extensions a few more); the attribute bound is far above the 24 that a
// sensorReport may carry.
type Limits struct {
	Bytes      int64 // the document's size in bytes
	Events     int   // events in the document
	Depth      int   // nesting of elements
	Attributes int   // attributes of one element, namespace declarations included
}

// DefaultLimits are the limits of a capture document.
var DefaultLimits = Limits{Bytes: 64 << 20, Events: 10_000, Depth: 64, Attributes: 64}

// Option changes the limits of one reading.
type Option func(*Limits)

// WithLimits replaces the limits; a zero field keeps its default.
func WithLimits(l Limits) Option {
	return func(d *Limits) {
		if l.Bytes > 0 {
			d.Bytes = l.Bytes
		}
		if l.Events > 0 {
			d.Events = l.Events
		}
		if l.Depth > 0 {
			d.Depth = l.Depth
		}
		if l.Attributes > 0 {
			d.Attributes = l.Attributes
		}
	}
}
