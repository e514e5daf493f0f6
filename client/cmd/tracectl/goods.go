package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
)

func (a *app) commissionCommand() *cobra.Command {
	var req model.CommissionRequest
	var csvFile, stateFile string
	var opts client.BulkOptions
	cmd := &cobra.Command{
		Use:   "commission --gtin GTIN --batch BATCH --production-date DATE (CODE... | --csv FILE)",
		Short: "Commission serialised units of a product (manufacturers)",
		Long: `Commission serialised units of one batch of the caller's product.

Codes are given as arguments, or imported from a CSV file with --csv. The
CSV's header names the column to use: "code" (any accepted code form) or
"serial" (a serial number, combined with --gtin into an SGTIN); other
columns are ignored. Without a recognised header, the first column holds
codes. A CSV import is split into transactions of --chunk-size codes sent in
a pipeline, with a progress bar on a terminal (progress lines otherwise).

An import can be resumed: run the same command again and only the missing
codes are commissioned. With --state FILE the chunk results are kept in FILE
and committed chunks are not even sent again.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if req.GTIN == "" || req.Batch == "" || req.ProductionDate == "" {
				return usagef("--gtin, --batch and --production-date are required")
			}
			if csvFile == "" && len(args) == 0 {
				return usagef("give codes as arguments or --csv FILE")
			}
			if csvFile != "" && len(args) > 0 {
				return usagef("give codes as arguments or --csv FILE, not both")
			}
			if csvFile != "" {
				codes, err := readCodesCSV(csvFile, req.GTIN)
				if err != nil {
					return err
				}
				req.Codes = codes
				if stateFile != "" {
					prev, err := readState(stateFile)
					if err != nil {
						return err
					}
					opts.Previous = prev
				}
				return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
					bar := newProgress(a.stderr, len(codes))
					opts.Progress = bar.update
					res, err := c.CommissionBulk(ctx, req, opts)
					bar.finish()
					if res != nil && stateFile != "" {
						if werr := writeState(stateFile, res); werr != nil {
							fmt.Fprintf(a.stderr, "tracectl: writing %s: %v\n", stateFile, werr)
						}
					}
					if res == nil {
						return err
					}
					if eerr := a.emit(res, func(w io.Writer) { printBulk(w, res) }); eerr != nil {
						return eerr
					}
					return err
				})
			}
			req.Codes = args
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				r, err := c.Commission(ctx, req)
				if err != nil {
					return err
				}
				return a.emit(r, func(w io.Writer) {
					fmt.Fprintf(w, "commissioned %d unit(s) of %s batch %s (tx %s)\n", r.Count, r.GTIN, r.Batch, r.TxID)
				})
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&req.GTIN, "gtin", "", "product GTIN")
	f.StringVar(&req.Batch, "batch", "", "batch / lot number")
	f.StringVar(&req.ProductionDate, "production-date", "", "production date YYYY-MM-DD")
	f.StringVar(&req.ExpiryDate, "expiry-date", "", "expiry date YYYY-MM-DD")
	f.StringVar(&req.WarrantyEnd, "warranty-end", "", "warranty end YYYY-MM-DD (default: production date + product warranty)")
	f.StringVar(&csvFile, "csv", "", "CSV file of codes or serials to import")
	f.StringVar(&stateFile, "state", "", "keep the import's chunk results in this JSON file and resume from it")
	f.IntVar(&opts.ChunkSize, "chunk-size", client.DefaultChunkSize, "codes per transaction for --csv")
	f.IntVar(&opts.InFlight, "in-flight", client.DefaultInFlight, "transactions awaiting commit at once for --csv")
	return cmd
}

func printBulk(w io.Writer, r *client.BulkResult) {
	total := 0
	for _, ch := range r.Chunks {
		total += ch.Count
	}
	fmt.Fprintf(w, "commissioned %d of %d unit(s) of %s batch %s in %d transaction(s)\n", r.Committed(), total, r.GTIN, r.Batch, len(r.Chunks))
	tw := table(w)
	for _, ch := range r.Chunks {
		if ch.Status == client.ChunkCommitted && len(r.Chunks) > 20 {
			continue
		}
		fmt.Fprintf(tw, "  chunk %d\t%s\t%d code(s)\t%s\t%s\n", ch.Index, ch.Status, ch.Count, short(ch.TxID), ch.Error)
	}
	tw.Flush()
}

func readState(path string) (*client.BulkResult, error) {
	raw, err := os.ReadFile(path) //nolint:gosec // the file the user names on the command line
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var r client.BulkResult
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("state file %s: %w", path, err)
	}
	return &r, nil
}

func writeState(path string, r *client.BulkResult) error {
	raw, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, raw, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func (a *app) lotCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "lot", Short: "Commission batches as quantities and split them"}
	var lreq model.LotRequest
	commission := &cobra.Command{
		Use:   "commission --gtin GTIN --batch BATCH --production-date DATE --quantity N",
		Short: "Commission a batch as a quantity without serial numbers",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				it, err := c.CommissionLot(ctx, lreq)
				if err != nil {
					return err
				}
				return a.emit(it, func(w io.Writer) { fmt.Fprintf(w, "commissioned lot %s, quantity %d\n", it.Code, it.Quantity) })
			})
		},
	}
	f := commission.Flags()
	f.StringVar(&lreq.GTIN, "gtin", "", "product GTIN")
	f.StringVar(&lreq.Batch, "batch", "", "batch / lot number")
	f.StringVar(&lreq.ProductionDate, "production-date", "", "production date YYYY-MM-DD")
	f.StringVar(&lreq.ExpiryDate, "expiry-date", "", "expiry date YYYY-MM-DD")
	f.StringVar(&lreq.WarrantyEnd, "warranty-end", "", "warranty end YYYY-MM-DD")
	f.Int64Var(&lreq.Quantity, "quantity", 0, "quantity")
	var sreq model.SplitRequest
	split := &cobra.Command{
		Use:   "split SOURCE --quantity N [--label LABEL]",
		Short: "Split a quantity off a lot or lot part into a new part",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sreq.Source = args[0]
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				it, err := c.SplitLot(ctx, sreq)
				if err != nil {
					return err
				}
				return a.emit(it, func(w io.Writer) { fmt.Fprintf(w, "split %d into %s\n", it.Quantity, it.Code) })
			})
		},
	}
	split.Flags().Int64Var(&sreq.Quantity, "quantity", 0, "quantity to split off")
	split.Flags().StringVar(&sreq.Label, "label", "", "label of the new part (default derived from the transaction)")
	cmd.AddCommand(commission, split)
	return cmd
}

func (a *app) packCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "pack CONTAINER CHILD...",
		Short: "Pack units, lot parts or containers into a container (SSCC or case code)",
		Args:  cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				r, err := c.Pack(ctx, model.PackRequest{Container: args[0], Children: args[1:]})
				if err != nil {
					return err
				}
				return a.emit(r, func(w io.Writer) {
					fmt.Fprintf(w, "packed %d item(s) into %s, now holding %d (tx %s)\n", r.Changed, r.Container, r.Children, r.TxID)
				})
			})
		},
	}
}

func (a *app) unpackCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "unpack CONTAINER [CHILD...]",
		Short: "Take children (default: all) out of a container",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				r, err := c.Unpack(ctx, model.UnpackRequest{Container: args[0], Children: args[1:]})
				if err != nil {
					return err
				}
				return a.emit(r, func(w io.Writer) {
					fmt.Fprintf(w, "unpacked %d item(s) from %s, %d left (tx %s)\n", r.Changed, r.Container, r.Children, r.TxID)
				})
			})
		},
	}
}

// parseLotShipment parses SOURCE:QUANTITY[:LABEL].
func parseLotShipment(s string) (model.LotShipment, error) {
	i := strings.LastIndex(s, ":")
	if i < 0 {
		return model.LotShipment{}, usagef("--lot %q: want SOURCE:QUANTITY[:LABEL]", s)
	}
	src, rest := s[:i], s[i+1:]
	label := ""
	if q, err := strconv.ParseInt(rest, 10, 64); err == nil {
		return model.LotShipment{Source: src, Quantity: q}, nil
	}
	// SOURCE:QUANTITY:LABEL
	label = rest
	j := strings.LastIndex(src, ":")
	if j < 0 {
		return model.LotShipment{}, usagef("--lot %q: want SOURCE:QUANTITY[:LABEL]", s)
	}
	q, err := strconv.ParseInt(src[j+1:], 10, 64)
	if err != nil {
		return model.LotShipment{}, usagef("--lot %q: quantity: %v", s, err)
	}
	return model.LotShipment{Source: src[:j], Quantity: q, Label: label}, nil
}

func (a *app) shipCommand() *cobra.Command {
	var to string
	var lots []string
	cmd := &cobra.Command{
		Use:   "ship --to MSPID CODE... [--lot SOURCE:QUANTITY[:LABEL]]",
		Short: "Ship top-level goods to another member",
		RunE: func(cmd *cobra.Command, args []string) error {
			if to == "" {
				return usagef("--to is required")
			}
			req := model.ShipRequest{To: to, Codes: args}
			for _, l := range lots {
				ls, err := parseLotShipment(l)
				if err != nil {
					return err
				}
				req.Lots = append(req.Lots, ls)
			}
			if len(req.Codes) == 0 && len(req.Lots) == 0 {
				return usagef("nothing to ship: give codes or --lot")
			}
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				r, err := c.Ship(ctx, req)
				if err != nil {
					return err
				}
				return a.emit(r, func(w io.Writer) { printMove(w, "shipped", r) })
			})
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "destination MSP ID")
	cmd.Flags().StringArrayVar(&lots, "lot", nil, "quantity of a lot or lot part to split off and ship, SOURCE:QUANTITY[:LABEL] (repeatable)")
	return cmd
}

func (a *app) moveCommand(use, short, verb string, do func(*client.Client, context.Context, model.MoveRequest) (*model.MoveResult, error)) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				r, err := do(c, ctx, model.MoveRequest{Codes: args})
				if err != nil {
					return err
				}
				return a.emit(r, func(w io.Writer) { printMove(w, verb, r) })
			})
		},
	}
}

func (a *app) receiveCommand() *cobra.Command {
	return a.moveCommand("receive CODE...", "Take in goods shipped to you", "received", (*client.Client).Receive)
}

func (a *app) rejectCommand() *cobra.Command {
	return a.moveCommand("reject CODE...", "Refuse goods shipped to you; they return to the sender", "rejected", (*client.Client).Reject)
}

func (a *app) decommissionCommand() *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:   "decommission --reason destroyed|stolen|damaged CODE...",
		Short: "Record goods you hold as destroyed, stolen or damaged",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if reason == "" {
				return usagef("--reason is required")
			}
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				r, err := c.Decommission(ctx, model.DecommissionRequest{Codes: args, Reason: model.Reason(reason)})
				if err != nil {
					return err
				}
				return a.emit(r, func(w io.Writer) { printMove(w, "decommissioned", r) })
			})
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "destroyed, stolen or damaged")
	return cmd
}
