package epcisfeed

import "fmt"

// BlockError reports a block the feeder could not index: its writes did not
// decode, an event has no EPCIS rendering, or the index refused the block.
// The index is left at the block before, so the feeder stops rather than
// skip events; the next run tries the block again.
type BlockError struct {
	Block uint64
	TxID  string // the transaction at fault, when one is
	Err   error
}

func (e *BlockError) Error() string {
	if e.TxID != "" {
		return fmt.Sprintf("epcisfeed: block %d, transaction %s: %v", e.Block, e.TxID, e.Err)
	}
	return fmt.Sprintf("epcisfeed: block %d: %v", e.Block, e.Err)
}

func (e *BlockError) Unwrap() error { return e.Err }

// GapError reports a block stream that skipped blocks: the source delivered
// Got where Want was due. Indexing past a gap would lose the missing blocks'
// events for good, since the checkpoint would move beyond them.
type GapError struct {
	Want, Got uint64
}

func (e *GapError) Error() string {
	return fmt.Sprintf("epcisfeed: the block stream delivered block %d where %d was due", e.Got, e.Want)
}
