package epciscapture

import "sync"

// budget bounds the bytes of posted documents that are being read, or are
// held by a job that has not finished: each job keeps its document's parts
// while it waits for its turn, and bodies are read concurrently, so without
// it any holder of a member certificate could make the service hold
// MaxJobs × DocumentBytes (64 GiB by default). It counts the posted bytes;
// the parsed form and the parts cost a small multiple of them, so the
// memory it bounds is a few times its size.
type budget struct {
	mu        sync.Mutex
	max, used int64
}

// reserve takes n bytes, reporting false, and taking nothing, when they
// would exceed the budget.
func (b *budget) reserve(n int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if n < 0 || b.used+n > b.max {
		return false
	}
	b.used += n
	return true
}

// release gives back n bytes reserved before.
func (b *budget) release(n int64) {
	if n <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.used = max(b.used-n, 0)
}
