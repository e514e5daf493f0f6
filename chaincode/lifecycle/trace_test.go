package lifecycle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
)

// step is the part of a trace event the tests compare.
type step struct {
	Subject, Type, Via string
}

func steps(events []model.TraceEvent) []step {
	out := make([]step, len(events))
	for i, e := range events {
		out[i] = step{e.Subject, e.Type, e.Via}
	}
	return out
}

func trace(t *testing.T, w *world, code string, pageSize int32) []model.TraceEvent {
	t.Helper()
	var all []model.TraceEvent
	bookmark := ""
	for {
		page, err := w.begin(retailer, nil).l.Trace(code, pageSize, bookmark)
		require.NoError(t, err)
		all = append(all, page.Events...)
		if bookmark = page.Bookmark; bookmark == "" {
			return all
		}
	}
}

// TestTraceInterleavesContainerEvents follows a unit that travels in a case
// inside a pallet, then in the case alone, then is sold on its own.
func TestTraceInterleavesContainerEvents(t *testing.T) {
	w := newWorld(t)
	u := w.units("B1", "U", 2)
	caseA, pallet := sscc("6901234", 11), sscc("6901234", 1)
	w.move(makerA, distributor, u[1])     // before packing: not in u[0]'s trace
	w.pack(makerA, caseA, u[0])           // u0 into the case
	w.pack(makerA, pallet, caseA)         // the case into the pallet
	w.move(makerA, distributor, pallet)   // pallet shipped and received
	w.pack(distributor, pallet, u[1])     // another child joins the pallet: not u0's event
	w.unpack(distributor, pallet, caseA)  // the case leaves the pallet
	w.move(distributor, retailer, caseA)  // the case alone
	w.unpack(retailer, caseA)             // u0 leaves the case
	w.ship(distributor, retailer, pallet) // after u0 left: not in u0's trace
	_, err := w.sell(retailer, u[0])
	require.NoError(t, err)

	want := []step{
		{u[0], model.EventCommissioned, ""},
		{u[0], model.EventPacked, ""},
		{caseA, model.EventPacked, caseA},
		{pallet, model.EventShipped, caseA},
		{pallet, model.EventReceived, caseA},
		{caseA, model.EventUnpacked, caseA},
		{caseA, model.EventShipped, caseA},
		{caseA, model.EventReceived, caseA},
		{u[0], model.EventUnpacked, ""},
		{u[0], model.EventSold, ""},
	}
	full := trace(t, w, u[0], 100)
	assert.Equal(t, want, steps(full))
	for i := 1; i < len(full); i++ {
		assert.False(t, full[i].Time.Before(full[i-1].Time), "chronological")
	}
	assert.Equal(t, caseA, full[1].Parent)
	assert.Equal(t, pallet, full[2].Parent)
	assert.Equal(t, distributor, full[3].To)

	t.Run("pages concatenate to the full trace", func(t *testing.T) {
		for _, size := range []int32{1, 3, 4} {
			assert.Equal(t, full, trace(t, w, u[0], size), "page size %d", size)
		}
	})
	t.Run("the container's own trace has its aggregation events", func(t *testing.T) {
		got := steps(trace(t, w, caseA, 100))
		assert.Contains(t, got, step{caseA, model.EventPacked, ""})
		assert.Contains(t, got, step{caseA, model.EventCommissioned, ""})
		assert.NotContains(t, got, step{u[0], model.EventSold, ""})
	})
	t.Run("invalid bookmark", func(t *testing.T) {
		_, err := w.begin(retailer, nil).l.Trace(u[0], 10, "%%%")
		requireCode(t, err, model.CodeInvalidArgument)
	})
}

func TestTraceShowsRecallsAndAlerts(t *testing.T) {
	w := newWorld(t)
	u := atRetailer(w, 1)
	_, err := w.sell(retailer, u[0])
	require.NoError(t, err)
	res, err := w.sell(retailer, u[0])
	require.NoError(t, err)
	rec := recallBatch(w, makerA, gtinA, "B1")
	events := trace(t, w, u[0], 0)
	last := events[len(events)-1]
	assert.Equal(t, model.EventRecalled, last.Type)
	assert.Equal(t, rec.ID, last.RecallID)
	assert.Equal(t, model.EventCloneAlert, events[len(events)-2].Type)
	assert.Equal(t, res.AlertID, events[len(events)-2].AlertID)
}

// TestTracePageWorkIsBounded: a unit sits in a pallet with a long history of
// its own (here 200 shipments back and forth while the unit is inside). One
// page reads at most traceReadFactor pages' worth of stored events from each
// source, whatever the history's length, and paging still returns exactly the
// merged history.
func TestTracePageWorkIsBounded(t *testing.T) {
	w := newWorld(t)
	u := w.units("B1", "U", 1)
	pallet := sscc("6901234", 1)
	w.pack(makerA, pallet, u[0])
	for range 100 {
		w.ship(makerA, distributor, pallet)
		w.ok(distributor, func(c call) error { _, err := c.l.Reject(model.MoveRequest{Codes: []string{pallet}}); return err })
	}
	const size = 10
	c := w.begin(retailer, nil)
	page, err := c.l.Trace(u[0], size, "")
	require.NoError(t, err)
	assert.Len(t, page.Events, size)
	assert.NotEmpty(t, page.Bookmark)
	sources := 2 // the unit and the pallet interval
	assert.LessOrEqual(t, c.tx.Stats().Scanned, sources*(4*size+1), "stored events read for one page")

	all := trace(t, w, u[0], 1000)
	paged := trace(t, w, u[0], size)
	require.Len(t, all, 2+200, "commissioned, packed, and the pallet's 200 moves")
	assert.Equal(t, steps(all), steps(paged))
	for i := 1; i < len(paged); i++ {
		assert.False(t, paged[i].Time.Before(paged[i-1].Time), "event %d out of order", i)
	}
}
