package eventindex

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
)

func TestKeptEventsSurviveReset(t *testing.T) {
	ctx := context.Background()
	docContext := json.RawMessage(`["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"ex":"https://ns.example.com/"}]`)
	for name, s := range backends(t) {
		t.Run(name, func(t *testing.T) {
			first := Kept{EventID: "ni:///sha-256;01?ver=CBV2.0", Event: json.RawMessage(`{"type":"ObjectEvent","ex:a":1}`), Context: docContext}
			again := Kept{EventID: first.EventID, Event: json.RawMessage(`{"type":"ObjectEvent","ex:a":2}`)}
			plain := Kept{EventID: "ni:///sha-256;02?ver=CBV2.0", Event: json.RawMessage(`{"type":"ObjectEvent"}`)}
			if err := s.Keep(ctx, []Kept{first, plain}); err != nil {
				t.Fatal(err)
			}
			if err := s.Keep(ctx, []Kept{again}); err != nil {
				t.Fatal(err)
			}
			if err := s.Reset(ctx); err != nil {
				t.Fatal(err)
			}
			for _, want := range []Kept{first, plain} {
				got, ok, err := s.KeptEvent(ctx, want.EventID)
				if err != nil || !ok {
					t.Fatalf("%s: ok=%v, %v", want.EventID, ok, err)
				}
				if string(got.Event) != string(want.Event) || string(got.Context) != string(want.Context) {
					t.Errorf("%s: kept %s under %s, want the first copy %s under %s", want.EventID, got.Event, got.Context, want.Event, want.Context)
				}
			}
			if _, ok, err := s.KeptEvent(ctx, "ni:///sha-256;03?ver=CBV2.0"); ok || err != nil {
				t.Errorf("unknown eventID: ok=%v, %v", ok, err)
			}
		})
	}
}

// TestOpenKeepsTheCapturesOfSchemaVersion1 opens an index that the capture
// service alone wrote (version 1): its events become kept copies, and the
// index starts over for the feeder.
func TestOpenKeepsTheCapturesOfSchemaVersion1(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "index.db")
	s, err := OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	ev := json.RawMessage(`{"type":"ObjectEvent","eventTime":"2026-02-01T00:00:00Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE","epcList":["` + unitA + `"]}`)
	if err := s.Index(ctx, 12, []Entry{{TxID: "tx", Event: ev}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE index_state SET schema_version = 1`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = OpenSQLite(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, indexed, _ := s.Checkpoint(ctx); indexed {
		t.Error("the old checkpoint is the last capture's block, not the feeder's: it must go")
	}
	page, err := s.Query(ctx, Query{})
	if err != nil || len(page.Events) != 0 {
		t.Errorf("rebuilt index holds %d events, %v", len(page.Events), err)
	}
	r, err := decode(Entry{Event: ev})
	if err != nil {
		t.Fatal(err)
	}
	if k, ok, err := s.KeptEvent(ctx, r.EventID); !ok || err != nil || string(k.Event) != string(ev) {
		t.Errorf("the captured event is not kept: ok=%v, %v", ok, err)
	}
}

// TestKeepWhileIndexing: the capture service keeps copies while the feeder
// indexes blocks, from two connections of one database. Neither may fail
// for the other: a write that began as a reader and finds the database
// changed under it (SQLite's BUSY_SNAPSHOT) cannot wait its turn, so every
// write transaction must take the write lock when it begins.
func TestKeepWhileIndexing(t *testing.T) {
	ctx := context.Background()
	for name, s := range backends(t) {
		t.Run(name, func(t *testing.T) {
			const rounds = 200
			errs := make(chan error, 2)
			go func() {
				for i := range rounds {
					k := Kept{EventID: fmt.Sprintf("ni:///sha-256;k%d?ver=CBV2.0", i), Event: json.RawMessage(`{"type":"ObjectEvent"}`)}
					if err := s.Keep(ctx, []Kept{k}); err != nil {
						errs <- fmt.Errorf("keep %d: %w", i, err)
						return
					}
				}
				errs <- nil
			}()
			go func() {
				for b := range uint64(rounds) {
					ev := fmt.Sprintf(`{"type":"ObjectEvent","eventTime":"2026-02-01T00:00:00Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE","epcList":["urn:epc:id:sgtin:0614141.107346.%d"]}`, b)
					if err := s.Index(ctx, b+1, []Entry{{TxID: fmt.Sprintf("tx%d", b), Event: json.RawMessage(ev)}}); err != nil {
						errs <- fmt.Errorf("index block %d: %w", b+1, err)
						return
					}
				}
				errs <- nil
			}()
			for range 2 {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
