package scansignal

import (
	"container/list"
	"crypto/sha256"
	"sync"
	"time"

	"github.com/tracechain/tracechain/chaincode/model"
)

// Rule is when scans of one subject (a unit, a GTIN) become a signal: at
// least Threshold counted scans within Window of the first. A scan closer
// than Gap to the last counted scan of the subject is not counted, so that
// one person reloading a page, or a scanner retrying, counts once.
type Rule struct {
	Threshold int
	Window    time.Duration
	Gap       time.Duration
}

// Valid reports whether r can ever fire, and whether the ledger takes what
// it files: a window longer than model.MaxSignalSpan would file signals
// counted from further back than FileSignal accepts, each refused and
// offered again at the next scan, spending the filing budget on refusals.
func (r Rule) Valid() bool {
	return r.Threshold >= 1 && r.Window > 0 && r.Window <= model.MaxSignalSpan && r.Gap >= 0
}

// subjectKey is what the counter keeps of a subject: a hash, fixed in size,
// so that memory per entry does not depend on the code's length, and no code
// text is kept.
type subjectKey [16]byte

func keyOf(subject string) subjectKey {
	sum := sha256.Sum256([]byte(subject))
	var k subjectKey
	copy(k[:], sum[:])
	return k
}

// window is one subject's count in its current window.
type window struct {
	key    subjectKey
	start  time.Time // first counted scan of the window
	last   time.Time // last counted scan
	n      int       // counted scans since start
	raised bool      // a signal was handed on in this window
}

// EntryBytes is an upper estimate of the memory one counted subject takes
// (the window, its list element and its map slot).
const EntryBytes = 200

// counter counts scans per subject in windows, for at most max subjects:
// when full, the subject scanned least recently is forgotten (an LRU). It
// keeps no request data, only the subject's hash and its count. Safe for
// concurrent use.
type counter struct {
	mu   sync.Mutex
	rule Rule
	max  int
	lru  *list.List // of *window, most recently scanned first
	m    map[subjectKey]*list.Element
}

func newCounter(rule Rule, maxSubjects int) *counter {
	return &counter{rule: rule, max: max(maxSubjects, 1), lru: list.New(), m: map[subjectKey]*list.Element{}}
}

// observe counts a scan of subject at now. When the window's count has
// reached the threshold and no signal was handed on in this window yet, it
// calls raise with the count and the window's start, under the counter's
// lock; raise reports whether it took the signal, and if it did not, a later
// scan offers it again.
func (c *counter) observe(subject string, now time.Time, raise func(n int, since time.Time) bool) {
	k := keyOf(subject)
	c.mu.Lock()
	defer c.mu.Unlock()
	w := c.touch(k, now)
	switch {
	case w.n == 0 || now.Sub(w.start) >= c.rule.Window:
		// A new window: the first scan, or the last window has ended.
		w.start, w.last, w.n, w.raised = now, now, 1, false
	case now.Sub(w.last) >= c.rule.Gap:
		w.last = now
		w.n++
	}
	if w.n >= c.rule.Threshold && !w.raised {
		w.raised = raise(w.n, w.start)
	}
}

// lower lets the subject's signal be offered again, after a filing failed.
func (c *counter) lower(subject string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[keyOf(subject)]; ok {
		e.Value.(*window).raised = false
	}
}

// touch returns k's window, moved to the front, making room if need be.
func (c *counter) touch(k subjectKey, now time.Time) *window {
	if e, ok := c.m[k]; ok {
		c.lru.MoveToFront(e)
		return e.Value.(*window)
	}
	if c.lru.Len() >= c.max {
		oldest := c.lru.Back()
		c.lru.Remove(oldest)
		delete(c.m, oldest.Value.(*window).key)
	}
	w := &window{key: k, start: now, last: now}
	c.m[k] = c.lru.PushFront(w)
	return w
}

// len is how many subjects the counter holds.
func (c *counter) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}
