package model

import "time"

// AlertReasonAlreadySold is the reason of an alert raised when a retailer
// tries to sell a unit that was already sold.
const AlertReasonAlreadySold = "already_sold"

// Alert is a suspected-clone alert. Its ID is the transaction ID of the
// refused sale. It names organisations only, never buyers.
type Alert struct {
	ID         string    `json:"id"`
	Code       string    `json:"code"`
	GTIN       string    `json:"gtin,omitempty" metadata:",optional"`
	Batch      string    `json:"batch,omitempty" metadata:",optional"`
	Reason     string    `json:"reason"`
	Reporter   string    `json:"reporter"` // MSP ID of the retailer whose sale was refused
	DetectedAt time.Time `json:"detectedAt"`
	SoldBy     string    `json:"soldBy,omitempty" metadata:",optional"` // MSP ID of the original sale
	SoldAt     time.Time `json:"soldAt,omitzero" metadata:",optional"`
}

// AlertPage is one page of ListAlerts, oldest first.
type AlertPage struct {
	Alerts   []Alert `json:"alerts,omitempty" metadata:",optional"`
	Bookmark string  `json:"bookmark,omitempty" metadata:",optional"`
}
