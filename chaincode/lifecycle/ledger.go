// Package lifecycle implements the life of traceable goods on the ledger:
// commissioning units and lots, splitting lots, packing and unpacking
// containers, shipping, receiving, rejecting, selling, recalling and
// decommissioning, and the read side (Verify, Trace, recall reports). It is
// plain Go over state.Store; access control asks the registry who the caller
// is.
//
// Moving a container writes only the container's record: a packed item keeps
// a pointer to its parent and derives its holder and disposition from the
// top of its container chain (see chain). Unpacking materialises them again.
package lifecycle

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/registry"
	"github.com/tracechain/tracechain/chaincode/state"
)

// Ledger object types owned by this package.
const (
	itemKey       = "item"          // item~{code} -> model.Item
	batchKey      = "batch"         // batch~{gtin}~{batch}~{code} -> class; units, lot and parts of a batch
	containsKey   = "contains"      // contains~{container}~{child} -> class; direct children
	eventKey      = "event"         // event~{subject}~{time}~{txID}[~{seq}] -> model.TraceEvent
	lotPartKey    = "lotpart"       // lotpart~{lot}~{part} -> class; every part split off a lot
	recallKey     = "recall"        // recall~{gtin}~{batch} -> model.Recall; batch recall marker
	recallIDKey   = "recallid"      // recallid~{recallID} -> model.Recall
	recallUnitKey = "recallunit"    // recallunit~{recallID}~{code} -> class; unit-list recall members
	recallAckKey  = "recallack"     // recallack~{recallID}~{mspID} -> model.RecallAck
	alertKey      = "alert"         // alert~{code}~{txID} -> model.Alert
	alertLogKey   = "alertlog"      // alertlog~{time}~{txID}~{code} -> model.Alert; chronological listing
	reportedKey   = "alertreporter" // alertreporter~{alertID}~{mspID} -> txID of the organisation's report: one per organisation per alert
	saleKey       = "sale"          // sale~{code} -> model.SaleRecord, in collection sales{seller MSP ID}
	gtinAlertKey  = "gtinalert"     // gtinalert~{gtin} -> ID of the GTIN's open unknown_serials signal (alert~{gtin}~{ID})
	signalQuota   = "signalquota"   // signalquota~{mspID}~{UTC day} -> signals written that day
	reportQuota   = "reportquota"   // reportquota~{mspID}~{UTC day} -> clone reports from resales written that day
)

// timeLayout renders transaction times with a fixed width so that keys sort
// chronologically.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// maxChainDepth bounds container nesting walks; real nesting is a few levels.
const maxChainDepth = 32

// Ledger runs lifecycle transactions within one Fabric transaction. It keeps
// the item records it read and changed, so the rules see their own changes
// (the ledger does not) and each record is written once.
type Ledger struct {
	store   state.Store
	reg     *registry.Registry
	items   map[string]*model.Item // nil value: known to be absent
	dirty   []string
	isDirty map[string]bool
	capture *capturing // set while CaptureEvents applies one captured event
	// contentsChanged is set when the transaction decommissioned a container that
	// holds goods: their disposition changes too, unlisted (model.Event.Contents).
	contentsChanged bool
}

// New returns the lifecycle view of the transaction behind reg.
func New(reg *registry.Registry) *Ledger {
	return &Ledger{store: reg.Store(), reg: reg, items: map[string]*model.Item{}, isDirty: map[string]bool{}}
}

func (l *Ledger) now() time.Time { return l.store.TxTime() }
func (l *Ledger) txID() string   { return l.store.TxID() }

func (l *Ledger) key(objectType string, attrs ...string) (string, error) {
	k, err := l.store.CreateKey(objectType, attrs...)
	if err != nil {
		return "", model.Errorf(model.CodeInvalidArgument, "%s key: %v", objectType, err)
	}
	return k, nil
}

// load reads the records of codes not read before, in one GetMany.
func (l *Ledger) load(codes ...string) error {
	var keys, missing []string
	for _, c := range codes {
		if _, ok := l.items[c]; ok {
			continue
		}
		k, err := l.key(itemKey, c)
		if err != nil {
			return err
		}
		keys, missing = append(keys, k), append(missing, c)
		l.items[c] = nil // also dedupes within this call
	}
	if len(keys) == 0 {
		return nil
	}
	vals, err := l.store.GetMany(keys)
	if err != nil {
		return fmt.Errorf("reading items: %w", err)
	}
	for i, raw := range vals {
		if raw == nil {
			continue
		}
		var it model.Item
		if err := json.Unmarshal(raw, &it); err != nil {
			return fmt.Errorf("decoding item %q: %w", missing[i], err)
		}
		l.items[missing[i]] = &it
	}
	return nil
}

// item returns the record of code, nil when absent.
func (l *Ledger) item(code string) (*model.Item, error) {
	if err := l.load(code); err != nil {
		return nil, err
	}
	return l.items[code], nil
}

// mustItem is item with NOT_FOUND for an absent code; what names the code in
// the message (e.g. `codes[3] "…"`).
func (l *Ledger) mustItem(code, what string) (*model.Item, error) {
	it, err := l.item(code)
	if err != nil {
		return nil, err
	}
	if it == nil {
		return nil, model.SubjectErrorf(model.CodeNotFound, code, "%s is not on the ledger", what)
	}
	return it, nil
}

// save marks a record changed by this transaction and stamps it.
func (l *Ledger) save(it *model.Item) {
	if it.CommissionTx != l.txID() {
		it.UpdatedAt, it.UpdateTx = l.now(), l.txID()
	}
	l.items[it.Code] = it
	if !l.isDirty[it.Code] {
		l.isDirty[it.Code] = true
		l.dirty = append(l.dirty, it.Code)
	}
}

// commit writes the changed records and sets the transaction's one chaincode
// event.
func (l *Ledger) commit(e model.Event) error {
	for _, code := range l.dirty {
		k, err := l.key(itemKey, code)
		if err != nil {
			return err
		}
		if err := l.stampHolder(l.items[code]); err != nil {
			return err
		}
		if err := state.PutJSON(l.store, k, l.items[code]); err != nil {
			return err
		}
	}
	if l.capture != nil {
		// CaptureEvents sets the transaction's one event when all are applied.
		l.capture.changed(l.dirty)
		l.dirty, l.isDirty = nil, map[string]bool{}
		return nil
	}
	l.dirty, l.isDirty = nil, map[string]bool{}
	if err := state.SetEventJSON(l.store, e.Type, e); err != nil {
		return fmt.Errorf("setting event: %w", err)
	}
	return nil
}

// put writes a non-item record.
func (l *Ledger) put(v any, objectType string, attrs ...string) error {
	k, err := l.key(objectType, attrs...)
	if err != nil {
		return err
	}
	return state.PutJSON(l.store, k, v)
}

// mark writes an index entry whose value is just the item class.
func (l *Ledger) mark(class model.ItemClass, objectType string, attrs ...string) error {
	k, err := l.key(objectType, attrs...)
	if err != nil {
		return err
	}
	return l.store.Put(k, []byte(class))
}

// record stores an event in the history of subject, with its eventID. The
// events of one captured transaction carry their position, which keeps the
// keys of two events on the same subject apart.
func (l *Ledger) record(subject string, e model.TraceEvent) error {
	e.Subject, e.Time, e.TxID, e.Actor = subject, l.now(), l.txID(), l.store.ClientMSPID()
	a, err := l.anchor(e)
	if err != nil {
		return err
	}
	e = withAnchor(e, a)
	attrs := []string{subject, l.now().Format(timeLayout), l.txID()}
	if e.Seq > 0 {
		attrs = append(attrs, fmt.Sprintf("%04d", e.Seq))
	}
	return l.put(e, eventKey, attrs...)
}

// event starts the chaincode event payload of this transaction.
func (l *Ledger) event(eventType string) model.Event {
	return model.Event{Type: eventType, TxID: l.txID(), Time: l.now(), Actor: l.store.ClientMSPID()}
}

// eventCodes returns codes for an Event when there are few enough of them.
func eventCodes(codes []string) []string {
	if len(codes) > model.MaxEventCodes {
		return nil
	}
	return codes
}

// checkTime refuses to work without a transaction timestamp: every record
// time comes from it.
func (l *Ledger) checkTime() error {
	if l.now().IsZero() {
		return model.Errorf(model.CodeInvalidArgument, "transaction has no timestamp")
	}
	return nil
}
