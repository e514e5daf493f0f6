package epcis

import (
	"encoding/json"
	"maps"
	"slices"
)

// value returns the event as readTree would read its JSON encoding, for
// the fields the mapping writes, without encoding it: the chaincode hashes
// every event it writes, and the round trip through JSON was most of that
// cost. An event with any other field set takes the round trip.
func (e *Event) value() (map[string]any, error) {
	if len(e.Raw) > 0 || e.RecordTime != "" || e.EventID != "" || e.CertificationInfo != nil || e.ErrorDeclaration != nil ||
		e.InputEPCList != nil || e.OutputEPCList != nil || e.InputQuantityList != nil || e.OutputQuantityList != nil ||
		e.TransformationID != "" || e.PersistentDisposition != nil || e.BizTransactionList != nil || e.SensorElementList != nil {
		b, err := json.Marshal(e)
		if err != nil {
			return nil, err
		}
		v, err := readTree(b)
		if err != nil {
			return nil, err
		}
		m, _ := v.(map[string]any) // json.Marshal of an Event writes an object
		return m, nil
	}
	m, err := decodeEach(e.Extensions)
	if err != nil {
		return nil, err
	}
	str := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	list := func(k string, l []string) {
		if len(l) > 0 {
			out := make([]any, len(l))
			for i, s := range l {
				out[i] = s
			}
			m[k] = out
		}
	}
	quantities := func(k string, l []QuantityElement) {
		if len(l) > 0 {
			out := make([]any, len(l))
			for i, q := range l {
				qm := map[string]any{"epcClass": q.EPCClass}
				if q.Quantity != nil {
					qm["quantity"] = *q.Quantity
				}
				if q.UOM != "" {
					qm["uom"] = q.UOM
				}
				out[i] = qm
			}
			m[k] = out
		}
	}
	location := func(k string, l *Location) {
		if l != nil {
			m[k] = map[string]any{"id": l.ID}
		}
	}
	parties := func(k, role string, types, ids []string) {
		if len(types) > 0 {
			out := make([]any, len(types))
			for i := range types {
				out[i] = map[string]any{"type": types[i], role: ids[i]}
			}
			m[k] = out
		}
	}
	str("type", e.Type)
	str("eventTime", e.EventTime)
	str("eventTimeZoneOffset", e.EventTimeZoneOffset)
	list("epcList", e.EPCList)
	str("parentID", e.ParentID)
	list("childEPCs", e.ChildEPCs)
	quantities("quantityList", e.QuantityList)
	quantities("childQuantityList", e.ChildQuantityList)
	str("action", e.Action)
	str("bizStep", e.BizStep)
	str("disposition", e.Disposition)
	location("readPoint", e.ReadPoint)
	location("bizLocation", e.BizLocation)
	var types, ids []string
	for _, s := range e.SourceList {
		types, ids = append(types, s.Type), append(ids, s.Source)
	}
	parties("sourceList", "source", types, ids)
	types, ids = nil, nil
	for _, d := range e.DestinationList {
		types, ids = append(types, d.Type), append(ids, d.Destination)
	}
	parties("destinationList", "destination", types, ids)
	if len(e.ILMD) > 0 {
		if m["ilmd"], err = decodeEach(e.ILMD); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// decodeEach reads every value of a map of raw JSON strictly, in key order, so
// that the first error is the same on every endorser.
func decodeEach(raw map[string]json.RawMessage) (map[string]any, error) {
	out := make(map[string]any, len(raw))
	for _, k := range slices.Sorted(maps.Keys(raw)) {
		if std := caseVariantOf(k); std != "" {
			return nil, errorf(CodeKeyCase, "/"+pointerKey(k), "the key %q is the standard key %q in another case", k, std)
		}
		v, err := readTree(raw[k])
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

// renderedHash is the event hash of an Event built in Go, with the export's
// @context.
func (e *Event) renderedHash() (string, error) {
	v, err := e.value()
	if err != nil {
		return "", err
	}
	pre, err := preHashValue(v, exportContext, "")
	if err != nil {
		return "", err
	}
	return HashPreHash(pre), nil
}
