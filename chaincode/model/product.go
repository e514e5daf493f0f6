package model

import "time"

// ProductRequest registers or updates a product. The submitting manufacturer
// must own the GTIN's GS1 company prefix and the licence or certificate.
type ProductRequest struct {
	GTIN                   string   `json:"gtin"`                                                  // GTIN-8/12/13/14; stored as GTIN-14
	Name                   string   `json:"name"`                                                  // product name
	Type                   string   `json:"type"`                                                  // product category, e.g. "electric wire and cable"
	Specification          string   `json:"specification,omitempty" metadata:",optional"`          // specification / model
	Standards              []string `json:"standards,omitempty" metadata:",optional"`              // applicable standards, e.g. "GB/T 5023.3-2008"
	Licence                string   `json:"licence"`                                               // production licence or CCC certificate number of the manufacturer
	WarrantyMonths         int      `json:"warrantyMonths,omitempty" metadata:",optional"`         // default warranty period
	InspectionReportURI    string   `json:"inspectionReportUri,omitempty" metadata:",optional"`    // where the type inspection report is published
	InspectionReportSHA256 string   `json:"inspectionReportSha256,omitempty" metadata:",optional"` // hex SHA-256 of the report; required with the URI
}

// Product is a registered product, keyed by GTIN-14. Every registration or
// update is also kept as an immutable version readable via ProductHistory.
type Product struct {
	GTIN                   string    `json:"gtin"`
	Name                   string    `json:"name"`
	Type                   string    `json:"type"`
	Specification          string    `json:"specification,omitempty" metadata:",optional"`
	Standards              []string  `json:"standards,omitempty" metadata:",optional"`
	Licence                string    `json:"licence"`
	WarrantyMonths         int       `json:"warrantyMonths,omitempty" metadata:",optional"`
	InspectionReportURI    string    `json:"inspectionReportUri,omitempty" metadata:",optional"`
	InspectionReportSHA256 string    `json:"inspectionReportSha256,omitempty" metadata:",optional"`
	Manufacturer           string    `json:"manufacturer"` // MSP ID of the registering manufacturer
	Version                int       `json:"version"`      // 1 on registration, +1 per update
	RegisteredAt           time.Time `json:"registeredAt"`
	UpdatedAt              time.Time `json:"updatedAt"`
	TxID                   string    `json:"txId"` // transaction that wrote this version
}

// ProductHistory lists every version of a product, oldest first.
type ProductHistory struct {
	Bookmark string    `json:"bookmark,omitempty" metadata:",optional"` // empty on the last page
	GTIN     string    `json:"gtin"`
	Versions []Product `json:"versions,omitempty" metadata:",optional"`
}
