package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
)

func (a *app) memberCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "member", Short: "Register, update and read member organisations"}
	var req model.MemberRequest
	var role string
	addFlags := func(c *cobra.Command) {
		f := c.Flags()
		f.StringVar(&role, "role", "", "manufacturer, distributor, retailer, regulator or provincial_regulator")
		f.StringVar(&req.Region, "region", "", "administrative division code, e.g. 330000 (a provincial regulator's province, a retailer's region)")
		f.StringVar(&req.Name, "name", "", "registered enterprise name")
		f.StringVar(&req.USCC, "uscc", "", "unified social credit code (GB 32100)")
		f.StringVar(&req.Address, "address", "", "registered business address")
		f.StringVar(&req.Contact, "contact", "", "business contact")
		f.StringVar(&req.BusinessLicence, "business-licence", "", "business licence number")
		f.StringSliceVar(&req.CompanyPrefixes, "prefix", nil, "GS1 company prefix (repeatable)")
		f.StringSliceVar(&req.ProductionLicences, "production-licence", nil, "industrial product production licence number (repeatable)")
		f.StringSliceVar(&req.CCCCertificates, "ccc", nil, "CCC certificate number (repeatable)")
	}
	register := &cobra.Command{
		Use:   "register MSPID --role ROLE --name NAME --uscc USCC [flags]",
		Short: "Register a member organisation (Regulator only)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			req.MSPID, req.Role = args[0], model.Role(role)
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				m, err := c.RegisterMember(ctx, req)
				if err != nil {
					return err
				}
				return a.emit(m, func(w io.Writer) { fmt.Fprintf(w, "registered %s\n", m.MSPID); printMember(w, m) })
			})
		},
	}
	addFlags(register)
	update := &cobra.Command{
		Use:   "update MSPID --role ROLE --name NAME --uscc USCC [flags]",
		Short: "Replace a member's details (Regulator only)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			req.MSPID, req.Role = args[0], model.Role(role)
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				m, err := c.UpdateMember(ctx, req)
				if err != nil {
					return err
				}
				return a.emit(m, func(w io.Writer) { fmt.Fprintf(w, "updated %s\n", m.MSPID); printMember(w, m) })
			})
		},
	}
	addFlags(update)
	update.Flags().BoolVar(&req.Suspended, "suspended", false, "suspend the member")
	get := &cobra.Command{
		Use:   "get MSPID",
		Short: "Show a member",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				m, err := c.GetMember(ctx, args[0])
				if err != nil {
					return err
				}
				return a.emit(m, func(w io.Writer) { printMember(w, m) })
			})
		},
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "List the registered members",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				all, err := client.Collect(c.Members(ctx))
				if err != nil {
					return err
				}
				return a.emit(all, func(w io.Writer) {
					tw := table(w)
					fmt.Fprintln(tw, "MSP ID\tROLE\tNAME\tUSCC\tSTATUS")
					for _, m := range all {
						st := "active"
						if m.Suspended {
							st = "suspended"
						}
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", m.MSPID, m.Role, m.Name, m.USCC, st)
					}
					tw.Flush()
				})
			})
		},
	}
	cmd.AddCommand(register, update, get, list)
	return cmd
}

func printMember(w io.Writer, m *model.Member) {
	tw := table(w)
	field(tw, "MSP ID", m.MSPID)
	field(tw, "role", string(m.Role))
	field(tw, "region", m.Region)
	field(tw, "name", m.Name)
	field(tw, "USCC", m.USCC)
	field(tw, "address", m.Address)
	field(tw, "contact", m.Contact)
	field(tw, "business licence", m.BusinessLicence)
	field(tw, "company prefixes", strings.Join(m.CompanyPrefixes, ", "))
	field(tw, "production licences", strings.Join(m.ProductionLicences, ", "))
	field(tw, "CCC certificates", strings.Join(m.CCCCertificates, ", "))
	if m.Suspended {
		field(tw, "status", "SUSPENDED")
	}
	field(tw, "registered", formatTime(m.RegisteredAt))
	tw.Flush()
}

func (a *app) productCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "product", Short: "Register, update and read products"}
	var req model.ProductRequest
	addFlags := func(c *cobra.Command) {
		f := c.Flags()
		f.StringVar(&req.GTIN, "gtin", "", "GTIN-8/12/13/14 under one of the manufacturer's company prefixes")
		f.StringVar(&req.Name, "name", "", "product name")
		f.StringVar(&req.Type, "type", "", "product category, e.g. \"electric wire and cable\"")
		f.StringVar(&req.Specification, "spec", "", "specification / model")
		f.StringSliceVar(&req.Standards, "standard", nil, "applicable standard (repeatable)")
		f.StringVar(&req.Licence, "licence", "", "production licence or CCC certificate number of the manufacturer")
		f.IntVar(&req.WarrantyMonths, "warranty-months", 0, "default warranty period")
		f.StringVar(&req.InspectionReportURI, "report-uri", "", "where the type inspection report is published")
		f.StringVar(&req.InspectionReportSHA256, "report-sha256", "", "hex SHA-256 of the inspection report")
	}
	register := &cobra.Command{
		Use:   "register --gtin GTIN --name NAME --type TYPE --licence NO [flags]",
		Short: "Register a product (manufacturers)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				p, err := c.RegisterProduct(ctx, req)
				if err != nil {
					return err
				}
				return a.emit(p, func(w io.Writer) { fmt.Fprintf(w, "registered product %s\n", p.GTIN); printProduct(w, p) })
			})
		},
	}
	addFlags(register)
	update := &cobra.Command{
		Use:   "update --gtin GTIN --name NAME --type TYPE --licence NO [flags]",
		Short: "Publish a new version of a product",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				p, err := c.UpdateProduct(ctx, req)
				if err != nil {
					return err
				}
				return a.emit(p, func(w io.Writer) {
					fmt.Fprintf(w, "updated product %s to version %d\n", p.GTIN, p.Version)
					printProduct(w, p)
				})
			})
		},
	}
	addFlags(update)
	get := &cobra.Command{
		Use:   "get GTIN",
		Short: "Show a product",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				p, err := c.GetProduct(ctx, args[0])
				if err != nil {
					return err
				}
				return a.emit(p, func(w io.Writer) { printProduct(w, p) })
			})
		},
	}
	history := &cobra.Command{
		Use:   "history GTIN",
		Short: "Show every version of a product",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				versions, err := client.Collect(c.ProductHistory(ctx, args[0]))
				if err != nil {
					return err
				}
				h := model.ProductHistory{Versions: versions}
				if len(versions) > 0 { // the chaincode refuses an unregistered GTIN
					h.GTIN = versions[0].GTIN
				}
				return a.emit(h, func(w io.Writer) {
					tw := table(w)
					fmt.Fprintln(tw, "VERSION\tUPDATED\tNAME\tSPEC\tLICENCE\tTX")
					for _, v := range h.Versions {
						fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", v.Version, formatTime(v.UpdatedAt), v.Name, v.Specification, v.Licence, short(v.TxID))
					}
					tw.Flush()
				})
			})
		},
	}
	cmd.AddCommand(register, update, get, history)
	return cmd
}

func printProduct(w io.Writer, p *model.Product) {
	tw := table(w)
	field(tw, "GTIN", p.GTIN)
	field(tw, "name", p.Name)
	field(tw, "type", p.Type)
	field(tw, "specification", p.Specification)
	field(tw, "standards", strings.Join(p.Standards, ", "))
	field(tw, "licence", p.Licence)
	if p.WarrantyMonths > 0 {
		field(tw, "warranty", fmt.Sprintf("%d months", p.WarrantyMonths))
	}
	field(tw, "inspection report", p.InspectionReportURI)
	field(tw, "manufacturer", p.Manufacturer)
	field(tw, "version", fmt.Sprint(p.Version))
	tw.Flush()
}
