package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tracechain/tracechain/chaincode/model"
)

func table(w io.Writer) *tabwriter.Writer { return tabwriter.NewWriter(w, 0, 0, 2, ' ', 0) }

// field prints "  name  value" unless value is empty.
func field(tw *tabwriter.Writer, name, value string) {
	if value == "" {
		return
	}
	fmt.Fprintf(tw, "  %s\t%s\n", name, value)
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}

// short abbreviates a transaction ID.
func short(txID string) string {
	if len(txID) > 12 {
		return txID[:12]
	}
	return txID
}

func party(p *model.Party) string {
	if p == nil || p.MSPID == "" {
		return ""
	}
	if p.Name == "" {
		return p.MSPID
	}
	s := fmt.Sprintf("%s (%s", p.Name, p.MSPID)
	if p.USCC != "" {
		s += ", USCC " + p.USCC
	}
	return s + ")"
}

// verdictWord is the headline verify prints for a verdict.
func verdictWord(v model.Verdict) string {
	switch v {
	case model.VerdictGenuine:
		return "GENUINE"
	case model.VerdictSold:
		return "SOLD"
	case model.VerdictRecalled:
		return "RECALLED"
	case model.VerdictSuspectedClone:
		return "SUSPECTED CLONE"
	case model.VerdictDecommissioned:
		return "DECOMMISSIONED"
	case model.VerdictUnknown:
		return "UNKNOWN"
	case model.VerdictInvalidCode:
		return "INVALID CODE"
	}
	return strings.ToUpper(string(v))
}

// verdictExplanation says in a sentence what the verdict means for the person scanning.
func verdictExplanation(v model.Verdict) string {
	switch v {
	case model.VerdictGenuine:
		return "registered on the ledger and in circulation"
	case model.VerdictSold:
		return "genuine, already sold to an end customer"
	case model.VerdictRecalled:
		return "this unit or its batch is under recall: do not use or sell it"
	case model.VerdictSuspectedClone:
		return "the Regulator confirmed that this unit was offered for sale again after its sale: the code is copied"
	case model.VerdictDecommissioned:
		return "recorded as destroyed, stolen or damaged"
	case model.VerdictUnknown:
		return "a valid code that was never registered on the ledger"
	case model.VerdictInvalidCode:
		return "not a valid traceability code"
	}
	return ""
}

// printVerification prints the verdict first, then what is known.
func printVerification(w io.Writer, v *model.Verification) {
	fmt.Fprintf(w, "%s — %s\n", verdictWord(v.Verdict), verdictExplanation(v.Verdict))
	tw := table(w)
	field(tw, "input", v.Input)
	field(tw, "code", v.Code)
	if v.Detail != "" {
		field(tw, "detail", v.Detail)
	}
	if p := v.Product; p != nil {
		desc := p.Name
		if p.Specification != "" {
			desc += ", " + p.Specification
		}
		field(tw, "product", fmt.Sprintf("%s (GTIN %s)", desc, p.GTIN))
		field(tw, "product type", p.Type)
		field(tw, "licence", p.Licence)
	}
	field(tw, "producer", party(v.Producer))
	field(tw, "batch", v.Batch)
	field(tw, "production date", v.ProductionDate)
	field(tw, "expiry date", v.ExpiryDate)
	field(tw, "warranty end", v.WarrantyEnd)
	field(tw, "holder", party(v.Holder))
	field(tw, "disposition", string(v.Disposition))
	field(tw, "recall", v.RecallID)
	field(tw, "last event", formatTime(v.LastEventAt))
	tw.Flush()
}

// printTrace prints a timeline, one event per line.
func printTrace(w io.Writer, code string, events []model.TraceEvent) {
	fmt.Fprintf(w, "trace of %s (%d events)\n", code, len(events))
	tw := table(w)
	fmt.Fprintln(tw, "TIME\tEVENT\tBY\tDETAILS\tTX")
	for _, e := range events {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", formatTime(e.Time), e.Type, e.Actor, traceDetails(e), short(e.TxID))
	}
	tw.Flush()
}

func traceDetails(e model.TraceEvent) string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+" "+v)
		}
	}
	add("from", e.From)
	add("to", e.To)
	switch e.Type {
	case model.EventPacked:
		add("into", e.Parent)
	case model.EventUnpacked:
		add("out of", e.Parent)
	default:
		add("container", e.Parent)
	}
	if e.Count > 0 {
		parts = append(parts, fmt.Sprintf("%d item(s)", e.Count))
	}
	if e.Quantity > 0 {
		parts = append(parts, fmt.Sprintf("quantity %d", e.Quantity))
	}
	add("via", e.Via)
	add("recall", e.RecallID)
	add("alert", e.AlertID)
	if e.Disposition != "" {
		parts = append(parts, "now "+string(e.Disposition))
	}
	if len(parts) == 0 {
		return string(e.BizStep)
	}
	return strings.Join(parts, ", ")
}

// recallGroup summarises recall entries by top-level container and holder.
type recallGroup struct {
	Container   string            `json:"container"` // outermost container, or "" for loose items
	Holder      string            `json:"holder"`
	HolderName  string            `json:"holderName,omitempty"`
	Disposition model.Disposition `json:"disposition"`
	Destination string            `json:"destination,omitempty"`
	Items       int               `json:"items"`
	Quantity    int64             `json:"quantity,omitempty"`
}

func summariseRecall(entries []model.RecallEntry) []recallGroup {
	idx := map[string]int{}
	var out []recallGroup
	for _, e := range entries {
		k := e.TopContainer + "\x00" + e.Holder.MSPID + "\x00" + string(e.Disposition) + "\x00" + e.Destination
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, recallGroup{Container: e.TopContainer, Holder: e.Holder.MSPID, HolderName: e.Holder.Name, Disposition: e.Disposition, Destination: e.Destination})
		}
		out[i].Items++
		out[i].Quantity += e.Quantity
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Holder != out[j].Holder {
			return out[i].Holder < out[j].Holder
		}
		return out[i].Container < out[j].Container
	})
	return out
}

func printRecallReport(w io.Writer, r *model.Recall, entries []model.RecallEntry, all bool) {
	printRecall(w, r)
	fmt.Fprintf(w, "%d affected item(s)\n", len(entries))
	tw := table(w)
	fmt.Fprintln(tw, "HOLDER\tCONTAINER\tDISPOSITION\tITEMS")
	for _, g := range summariseRecall(entries) {
		c := g.Container
		if c == "" {
			c = "(not packed)"
		}
		d := string(g.Disposition)
		if g.Destination != "" {
			d += " to " + g.Destination
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\n", g.Holder, c, d, g.Items)
	}
	tw.Flush()
	if all {
		tw = table(w)
		fmt.Fprintln(tw, "CODE\tCLASS\tCONTAINER\tHOLDER\tDISPOSITION")
		for _, e := range entries {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.Code, e.Class, e.TopContainer, e.Holder.MSPID, e.Disposition)
		}
		tw.Flush()
	}
}

func printRecall(w io.Writer, r *model.Recall) {
	tw := table(w)
	fmt.Fprintf(w, "recall %s\n", r.ID)
	if r.GTIN != "" {
		field(tw, "batch", fmt.Sprintf("%s of GTIN %s", r.Batch, r.GTIN))
	}
	if r.Count > 0 {
		field(tw, "units", fmt.Sprint(r.Count))
	}
	field(tw, "reason", r.Reason)
	field(tw, "issued by", r.IssuedBy)
	field(tw, "issued at", formatTime(r.IssuedAt))
	tw.Flush()
}

func printItem(w io.Writer, s *model.ItemStatus) {
	it := s.Item
	tw := table(w)
	field(tw, "code", it.Code)
	field(tw, "class", string(it.Class))
	field(tw, "scheme", it.Scheme)
	field(tw, "GTIN", it.GTIN)
	field(tw, "batch", it.Batch)
	field(tw, "production date", it.ProductionDate)
	field(tw, "expiry date", it.ExpiryDate)
	field(tw, "warranty end", it.WarrantyEnd)
	field(tw, "manufacturer", it.Manufacturer)
	field(tw, "holder", party(&s.Holder))
	field(tw, "disposition", string(s.Disposition))
	field(tw, "destination", s.Destination)
	field(tw, "containers", strings.Join(s.Containers, " in "))
	if it.Children > 0 {
		field(tw, "children", fmt.Sprint(it.Children))
	}
	if it.Class == model.ClassLot || it.Class == model.ClassLotPart {
		field(tw, "quantity", fmt.Sprintf("%d of %d", it.Quantity, it.InitialQuantity))
	}
	if s.Recalled {
		field(tw, "recall", s.RecallID)
	}
	field(tw, "open clone report", it.OpenAlert)
	field(tw, "clone confirmed by alert", it.CloneConfirmed)
	field(tw, "sold by", it.SoldBy)
	field(tw, "sold at", formatTime(it.SoldAt))
	field(tw, "commissioned", formatTime(it.CommissionedAt)+" tx "+short(it.CommissionTx))
	field(tw, "last event", formatTime(s.LastEventAt))
	tw.Flush()
}

func printMove(w io.Writer, verb string, r *model.MoveResult) {
	fmt.Fprintf(w, "%s %d item(s): holder %s, %s", verb, r.Count, r.Holder, r.Disposition)
	if r.Destination != "" {
		fmt.Fprintf(w, " to %s", r.Destination)
	}
	fmt.Fprintf(w, " (tx %s)\n", r.TxID)
}
