package lifecycle

import (
	"encoding/json"
	"fmt"

	"github.com/tracechain/tracechain/chaincode/model"
)

// ListAlerts pages through suspected-clone alerts, oldest first. Only the
// Regulator may list them.
func (l *Ledger) ListAlerts(pageSize int32, bookmark string) (*model.AlertPage, error) {
	if _, err := l.reg.Require("list alerts", model.RoleRegulator); err != nil {
		return nil, err
	}
	page, err := l.store.ScanPage(alertLogKey, nil, model.PageSize(pageSize), bookmark)
	if err != nil {
		return nil, model.Errorf(model.CodeInvalidArgument, "listing alerts: %v", err)
	}
	out := &model.AlertPage{Bookmark: page.Bookmark}
	for _, kv := range page.Entries {
		var a model.Alert
		if err := json.Unmarshal(kv.Value, &a); err != nil {
			return nil, fmt.Errorf("decoding alert: %w", err)
		}
		out.Alerts = append(out.Alerts, a)
	}
	return out, nil
}
