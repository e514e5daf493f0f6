// Package console is the regulator's console: a web application that the
// staff of the Regulator (or of a provincial regulator) open in a browser,
// served by traced under a path of its own on a listener with mutual TLS.
//
// It shows the recalls in progress and their reach per holder, the queue of
// clone reports and signals (every alert of ListAlerts, whatever its
// reason) with decide buttons for admin staff, per manufacturer and product
// category the units commissioned per day, the share of products registered
// with complete SAMR data, recalls and reports, and a search by code, batch
// or company that shows the trace.
//
// It reads the Regulator's own EPCIS index (client/eventindex, fed from the
// blocks) and the ledger through the SDK, each request with bounded work:
// never a scan of the whole ledger. Charts are drawn on the server as SVG
// with gonum.org/v1/plot; every asset is embedded, and the pages load
// nothing from elsewhere (a strict Content-Security-Policy says so).
//
// The console trusts the TLS layer for who the staff member is: traced
// accepts only client certificates of the organisation's own CA, and the
// console reads the verified certificate of each request (StaffOf). A
// decision is submitted as the organisation's administrator and names the
// staff member on the ledger (model.DecideAlertRequest.Staff); every
// decision, allowed or refused, is logged with the staff member.
package console
