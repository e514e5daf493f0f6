package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
)

func (a *app) sellCommand() *cobra.Command {
	var buyerFile string
	var retention int
	cmd := &cobra.Command{
		Use:   "sell CODE --buyer FILE",
		Short: "Sell a unit to an end customer (retailers)",
		Long: `Sell a unit to an end customer. The buyer data is read from FILE, or from
standard input with "--buyer -", as JSON:

  {"buyerName": "…", "buyerContact": "…", "buyerAddress": "…", "salesTime": "RFC 3339, optional"}

It is personal data, so it is never taken from command-line flags, which other
users of the machine see in the process list and which shells keep in their
history. It travels only as transient data to the retailer's private sales
collection; the public ledger keeps a salted hash. Selling a unit that was
already sold is refused and files a clone report, which the Regulator confirms
or dismisses: the command then prints REFUSED and exits with 5.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			buyer, err := readBuyer(cmd.InOrStdin(), buyerFile)
			if err != nil {
				return err
			}
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				r, err := c.Sell(ctx, model.SellRequest{Code: args[0], RetentionDays: retention}, buyer)
				if err != nil {
					return err
				}
				if err := a.emit(r, func(w io.Writer) {
					if r.Outcome == model.OutcomeSold {
						fmt.Fprintf(w, "SOLD %s (sale hash %s, tx %s)\n", r.Code, r.SaleHash, r.TxID)
					} else {
						fmt.Fprintf(w, "REFUSED %s: already sold; clone report %s awaits the Regulator\n", r.Code, r.AlertID)
					}
				}); err != nil {
					return err
				}
				if r.Outcome != model.OutcomeSold {
					return &exitCodeError{code: exitRefused}
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&buyerFile, "buyer", "", `JSON file with the buyer data (private), "-" for standard input`)
	f.IntVar(&retention, "retention-days", 0, "keep the buyer data this many days (default the maximum)")
	return cmd
}

// maxBuyerFile bounds the buyer data file; the fields themselves are short.
const maxBuyerFile = 64 << 10

// readBuyer reads and checks the buyer data of a sale from path ("-" is in).
// Its errors name fields, never values.
func readBuyer(in io.Reader, path string) (model.SaleData, error) {
	var buyer model.SaleData
	if path == "" {
		return buyer, usagef(`--buyer FILE is required ("-" reads standard input)`)
	}
	if path != "-" {
		f, err := os.Open(path) //nolint:gosec // the file the user names on the command line
		if err != nil {
			return buyer, usagef("--buyer: %v", err)
		}
		defer f.Close()
		in = f
	}
	raw, err := io.ReadAll(io.LimitReader(in, maxBuyerFile+1))
	if err != nil {
		return buyer, usagef("--buyer: %v", err)
	}
	if len(raw) > maxBuyerFile {
		return buyer, usagef("--buyer: more than %d bytes", maxBuyerFile)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&buyer); err != nil {
		return buyer, usagef("--buyer: not a JSON object with buyerName, buyerContact, buyerAddress and salesTime")
	}
	if buyer.BuyerName == "" || buyer.BuyerContact == "" {
		return buyer, usagef("--buyer: buyerName and buyerContact are required")
	}
	return buyer, nil
}

func (a *app) saleCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "sale", Short: "Read or purge private sale records"}
	get := &cobra.Command{
		Use:   "get CODE",
		Short: "Show the private sale record of a unit (administrators of the seller and the Regulator; use --admin)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				s, err := c.GetSale(ctx, args[0])
				if err != nil {
					return err
				}
				return a.emit(s, func(w io.Writer) {
					tw := table(w)
					field(tw, "code", s.Code)
					field(tw, "seller", s.Seller)
					field(tw, "sales time", formatTime(s.SalesTime))
					field(tw, "buyer name", s.BuyerName)
					field(tw, "buyer address", s.BuyerAddress)
					field(tw, "buyer contact", s.BuyerContact)
					field(tw, "sale hash", s.SaleHash)
					field(tw, "retain until", formatTime(s.RetainUntil))
					field(tw, "tx", s.TxID)
					tw.Flush()
				})
			})
		},
	}
	purge := &cobra.Command{
		Use:   "purge CODE",
		Short: "Delete the buyer data of a sale after its retention period (the seller's administrator; use --admin)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				txID, err := c.PurgeSale(ctx, args[0])
				if err != nil {
					return err
				}
				return a.emit(map[string]string{"code": args[0], "txId": txID}, func(w io.Writer) {
					fmt.Fprintf(w, "purged the sale record of %s (tx %s)\n", args[0], txID)
				})
			})
		},
	}
	cmd.AddCommand(get, purge)
	return cmd
}

func (a *app) recallCommand() *cobra.Command {
	var req model.RecallRequest
	cmd := &cobra.Command{
		Use:   "recall (--gtin GTIN --batch BATCH | CODE...) --reason TEXT",
		Short: "Recall a batch or a list of units (manufacturer of the product, or the Regulator)",
		RunE: func(cmd *cobra.Command, args []string) error {
			req.Codes = args
			if req.Reason == "" {
				return usagef("--reason is required")
			}
			if (req.GTIN == "" || req.Batch == "") == (len(args) == 0) {
				return usagef("recall either --gtin and --batch, or codes")
			}
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				r, err := c.Recall(ctx, req)
				if err != nil {
					return err
				}
				return a.emit(r, func(w io.Writer) { printRecall(w, r) })
			})
		},
	}
	cmd.Flags().StringVar(&req.GTIN, "gtin", "", "product GTIN of the batch")
	cmd.Flags().StringVar(&req.Batch, "batch", "", "batch number")
	cmd.Flags().StringVar(&req.Reason, "reason", "", "public description of the defect")
	get := &cobra.Command{
		Use:   "get RECALL_ID",
		Short: "Show a recall",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				r, err := c.GetRecall(ctx, args[0])
				if err != nil {
					return err
				}
				return a.emit(r, func(w io.Writer) { printRecall(w, r) })
			})
		},
	}
	var all bool
	report := &cobra.Command{
		Use:   "report RECALL_ID [--all]",
		Short: "Show where every recalled item is, summarised by holder and top-level container",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				r, err := c.GetRecall(ctx, args[0])
				if err != nil {
					return err
				}
				entries, err := client.Collect(c.RecallReport(ctx, args[0]))
				if err != nil {
					return err
				}
				out := struct {
					Recall  *model.Recall       `json:"recall"`
					Summary []recallGroup       `json:"summary"`
					Entries []model.RecallEntry `json:"entries,omitempty"`
				}{r, summariseRecall(entries), entries}
				return a.emit(out, func(w io.Writer) { printRecallReport(w, r, entries, all) })
			})
		},
	}
	report.Flags().BoolVar(&all, "all", false, "also list every item")
	ack := &cobra.Command{
		Use:   "ack RECALL_ID",
		Short: "Acknowledge a recall that reaches goods your organisation holds (its administrator)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				r, err := c.AcknowledgeRecall(ctx, args[0])
				if err != nil {
					return err
				}
				return a.emit(r, func(w io.Writer) {
					fmt.Fprintf(w, "%s acknowledged recall %s at %s\n", r.MSPID, r.RecallID, formatTime(r.At))
				})
			})
		},
	}
	reach := &cobra.Command{
		Use:   "reach RECALL_ID",
		Short: "Show, per holder, the units held, returning, decommissioned and sold before the recall, and who has not acknowledged",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				r, err := c.RecallReach(ctx, args[0])
				if err != nil {
					return err
				}
				return a.emit(r, func(w io.Writer) { printRecallReach(w, r) })
			})
		},
	}
	var closing model.CloseRecallRequest
	closeCmd := &cobra.Command{
		Use:   "close RECALL_ID --returned N --destroyed N [--note TEXT]",
		Short: "Close a recall with your figures (the issuer's administrator); the goods stay recalled",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			closing.RecallID = args[0]
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				r, err := c.CloseRecall(ctx, closing)
				if err != nil {
					return err
				}
				return a.emit(r, func(w io.Writer) { printRecall(w, r) })
			})
		},
	}
	closeCmd.Flags().Int64Var(&closing.Returned, "returned", 0, "units returned to you")
	closeCmd.Flags().Int64Var(&closing.Destroyed, "destroyed", 0, "units destroyed")
	closeCmd.Flags().StringVar(&closing.Note, "note", "", "public note")
	cmd.AddCommand(get, report, ack, reach, closeCmd)
	return cmd
}

// printRecallReach prints a recall's reach as a table, one holder a row.
func printRecallReach(w io.Writer, r *client.RecallReach) {
	printRecall(w, &r.Recall)
	tw := table(w)
	fmt.Fprintln(tw, "holder\theld\treturning\tdecommissioned\tsold before recall\tacknowledged")
	for _, h := range r.Holders {
		ack := formatTime(h.Acknowledged)
		if h.Pending() {
			ack = "NO, pending since " + formatTime(r.Recall.IssuedAt)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%s\n", h.Holder.MSPID, h.Held, h.Returning, h.Decommissioned, h.SoldBeforeRecall, ack)
	}
	tw.Flush()
}

func (a *app) verifyCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "verify CODE",
		Short: "Verify a scanned code: GENUINE, SOLD, RECALLED, SUSPECTED CLONE, ...",
		Long: `Verify a code as scanned: a GS1 element string, a Digital Link URL from a QR
code, an EPC URN, an Ecode, a CCC number or a digital identity code. The
verdict comes first, then the product, its producer, batch, dates, current
holder and last event. Exit code 0 means GENUINE, 3 any other verdict.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				v, err := c.Verify(ctx, args[0])
				if err != nil {
					return err
				}
				if err := a.emit(v, func(w io.Writer) { printVerification(w, v) }); err != nil {
					return err
				}
				if v.Verdict != model.VerdictGenuine {
					return &exitCodeError{code: exitNotGenuine}
				}
				return nil
			})
		},
	}
}

func (a *app) traceCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "trace CODE",
		Short: "Show the whole history of an item as a timeline",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				events, err := client.Collect(c.Trace(ctx, args[0]))
				if err != nil {
					return err
				}
				return a.emit(events, func(w io.Writer) { printTrace(w, args[0], events) })
			})
		},
	}
}

func (a *app) itemCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "item CODE",
		Short: "Show an item's record, holder, container chain and recall status",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				s, err := c.GetItem(ctx, args[0])
				if err != nil {
					return err
				}
				return a.emit(s, func(w io.Writer) { printItem(w, s) })
			})
		},
	}
}

func (a *app) contentsCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "contents CONTAINER",
		Short: "List the direct children of a container",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				children, err := client.Collect(c.Contents(ctx, args[0]))
				if err != nil {
					return err
				}
				return a.emit(children, func(w io.Writer) {
					for _, ch := range children {
						fmt.Fprintln(w, ch)
					}
				})
			})
		},
	}
}

func (a *app) alertsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "alerts",
		Short: "List clone reports and signals from scans (Regulator); 'alerts decide' confirms or dismisses one",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				all, err := client.Collect(c.Alerts(ctx))
				if err != nil {
					return err
				}
				return a.emit(all, func(w io.Writer) {
					fmt.Fprintf(w, "%d clone report(s) and signal(s)\n", len(all))
					tw := table(w)
					fmt.Fprintln(tw, "DETECTED\tREASON\tCODE OR GTIN\tSTATUS\tREPORTS\tSCANS\tFIRST REPORTED BY\tSOLD BY\tSOLD AT\tALERT")
					for _, al := range all {
						subject, scans := al.Code, ""
						if subject == "" {
							subject = "gtin " + al.GTIN
						}
						if al.Scans > 0 {
							scans = fmt.Sprintf("%d since %s", al.Scans, formatTime(al.ScansSince))
							if al.ScansBy != "" {
								scans += " by " + al.ScansBy
							}
						}
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", formatTime(al.DetectedAt), al.Reason, subject, al.Status, al.Reports, scans,
							al.Reporter, al.SoldBy, formatTime(al.SoldAt), al.ID)
					}
					tw.Flush()
				})
			})
		},
	}
	var confirm, dismiss bool
	var note, gtin string
	decide := &cobra.Command{
		Use:   "decide (CODE | --gtin GTIN) ALERT_ID (--confirm | --dismiss) [--note TEXT]",
		Short: "Confirm or dismiss a unit's open clone report, or a product's unknown_serials signal (the Regulator's administrator)",
		Long: `Confirm or dismiss the open clone report of a unit (a resale's or a signal
from scans), or with --gtin the open unknown_serials signal of a product. A
report alone never changes what a buyer sees; once confirmed, the unit
verifies suspected_clone. A confirmed unknown_serials signal changes no
verdict: it records that fake labels of the product circulate.
Run it with --admin: only the Regulator's administrator identity may decide.`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if confirm == dismiss {
				return usagef("give exactly one of --confirm and --dismiss")
			}
			if (gtin != "") != (len(args) == 1) {
				return usagef("give CODE ALERT_ID, or --gtin GTIN ALERT_ID")
			}
			req := model.DecideAlertRequest{GTIN: gtin, AlertID: args[len(args)-1], Decision: model.DecisionDismiss, Note: note}
			if len(args) == 2 {
				req.Code = args[0]
			}
			if confirm {
				req.Decision = model.DecisionConfirm
			}
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				al, err := c.DecideAlert(ctx, req)
				if err != nil {
					return err
				}
				return a.emit(al, func(w io.Writer) {
					subject := al.Code
					if subject == "" {
						subject = "gtin " + al.GTIN
					}
					fmt.Fprintf(w, "alert %s on %s: %s\n", al.ID, subject, strings.ToUpper(string(al.Status)))
				})
			})
		},
	}
	decide.Flags().BoolVar(&confirm, "confirm", false, "the unit is a clone: it verifies suspected_clone from now on")
	decide.Flags().BoolVar(&dismiss, "dismiss", false, "no clone: the verdict stays as it was")
	decide.Flags().StringVar(&note, "note", "", "public note on the decision")
	decide.Flags().StringVar(&gtin, "gtin", "", "decide the product's open unknown_serials signal instead of a unit's report")
	cmd.AddCommand(decide)
	return cmd
}

func (a *app) eventsCommand() *cobra.Command {
	var opts client.EventOptions
	var start int64
	var count int
	var idle time.Duration
	cmd := &cobra.Command{
		Use:   "events [--checkpoint FILE] [--type TYPE]... [--start-block N] [--count N]",
		Short: "Follow chaincode events, resuming from a checkpoint file",
		Long: `Follow the chaincode's events (Recalled, CloneAlert, Shipped, ...) as they are
committed, one line each (JSON lines with --json). With --checkpoint FILE the
position after each printed event is saved in FILE, and a later run resumes
right after it: no event is missed or printed twice. Stops on Ctrl-C, after
--count events, or after --idle without events.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if start >= 0 {
				s := uint64(start)
				opts.StartBlock = &s
			}
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				ctx, cancel := context.WithCancel(ctx)
				defer cancel()
				var timer *time.Timer
				if idle > 0 {
					timer = time.AfterFunc(idle, cancel)
					defer timer.Stop()
				}
				n := 0
				enc := json.NewEncoder(a.stdout)
				for ev, err := range c.Events(ctx, opts) {
					if err != nil {
						return err
					}
					if timer != nil {
						timer.Reset(idle)
					}
					if a.jsonOut {
						if err := enc.Encode(ev); err != nil {
							return err
						}
					} else {
						printEvent(a.stdout, ev)
					}
					n++
					if count > 0 && n >= count {
						break
					}
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.CheckpointFile, "checkpoint", "", "resume from and save progress to this file")
	f.StringSliceVar(&opts.Types, "type", nil, "only events of this type (repeatable), e.g. Recalled, CloneAlert")
	f.Int64Var(&start, "start-block", -1, "start at this block when there is no checkpoint (default: next block)")
	f.IntVar(&count, "count", 0, "stop after this many events")
	f.DurationVar(&idle, "idle", 0, "stop after this long without an event")
	return cmd
}

func printEvent(w io.Writer, ev client.Event) {
	fmt.Fprintf(w, "block %d  %s  %-17s by %s", ev.BlockNumber, formatTime(ev.Time), ev.Type, ev.Actor)
	add := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "  %s=%s", k, v)
		}
	}
	add("gtin", ev.GTIN)
	add("batch", ev.Batch)
	if ev.Count > 0 {
		fmt.Fprintf(w, "  count=%d", ev.Count)
	}
	add("container", ev.Container)
	add("from", ev.From)
	add("to", ev.To)
	add("recall", ev.RecallID)
	add("alert", ev.AlertID)
	add("member", ev.MSPID)
	if len(ev.Codes) == 1 {
		add("code", ev.Codes[0])
	}
	fmt.Fprintf(w, "  tx=%s\n", short(ev.TxID))
}

func (a *app) codeCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "code", Short: "Work with traceability codes offline"}
	inspect := &cobra.Command{
		Use:   "inspect CODE",
		Short: "Parse a code offline: canonical form, type, scheme and fields as JSON",
		Long: `Parse a code without contacting the network and print, as JSON, its
canonical form (the ledger key), kind, scheme and parsed fields. A
compressed GS1 Digital Link is decompressed: "uncompressed" gives the
link it stands for. An invalid code prints the rule that failed and the
offset, and exits with 3.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := identifier.Parse(args[0])
			if err != nil {
				out := map[string]any{"input": args[0], "valid": false, "error": err.Error()}
				var ie *identifier.Error
				if errors.As(err, &ie) {
					out["rule"], out["offset"] = string(ie.Rule), ie.Offset
				}
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				_ = enc.Encode(out)
				return &exitCodeError{code: exitNotGenuine, msg: "invalid code: " + err.Error()}
			}
			out := struct {
				Input        string `json:"input"`
				Valid        bool   `json:"valid"`
				Scheme       string `json:"scheme"`
				Uncompressed string `json:"uncompressed,omitempty"`
				identifier.Code
			}{args[0], true, c.Kind.Scheme(), "", c}
			if u := client.Uncompressed(args[0]); u != args[0] {
				out.Uncompressed = u
			}
			enc := json.NewEncoder(a.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(out)
		},
	}
	cmd.AddCommand(inspect)
	return cmd
}
