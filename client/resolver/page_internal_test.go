package resolver

import (
	"maps"
	"regexp"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
)

// TestMessageCatalog keeps the catalog whole: both languages have the same
// keys, every key the template and the page code look up is there, and each
// verdict, reason, parse rule and notice the page can show has its words.
func TestMessageCatalog(t *testing.T) {
	zh, en := messages[langZH], messages[langEN]
	assert.Equal(t, slices.Sorted(maps.Keys(zh)), slices.Sorted(maps.Keys(en)), "zh and en have the same keys")

	tpl, err := pageFS.ReadFile("templates/verify.html")
	require.NoError(t, err)
	used := regexp.MustCompile(`\.T "([^"]+)"`).FindAllStringSubmatch(string(tpl), -1)
	require.NotEmpty(t, used)
	var keys []string
	for _, m := range used {
		keys = append(keys, m[1])
	}
	for _, v := range []model.Verdict{model.VerdictGenuine, model.VerdictSold, model.VerdictRecalled, model.VerdictSuspectedClone,
		model.VerdictDecommissioned, model.VerdictUnknown, model.VerdictInvalidCode, VerdictMismatch} {
		keys = append(keys, "verdict."+string(v)+".title", "verdict."+string(v)+".action")
		assert.Contains(t, verdictLooks, v, "a tone and an icon for %s", v)
	}
	for _, r := range []string{ReasonBatchMismatch, ReasonExpiryMismatch, ReasonProductionDateMismatch, ReasonExpired,
		ReasonRecalled, ReasonSuspectedClone, ReasonDecommissioned, ReasonUnknown} {
		keys = append(keys, "reason."+r)
	}
	for r := range identifierRules {
		keys = append(keys, "rule."+r)
	}
	for _, r := range []string{RuleLedgerUnavailable, RuleRateLimited, RuleUnsupportedKey} {
		keys = append(keys, "notice."+r)
	}
	keys = append(keys, "notice.other", "notice.reference", "lang.zh", "lang.en", "page.checked", "recall.id",
		"section.product", "section.producer", "section.batch",
		"field.name", "field.type", "field.spec", "field.standards", "field.licence", "field.producer", "field.uscc",
		"field.batch", "field.production", "field.expiry", "field.warranty",
		"status.expired", "status.not_expired", "status.warranty_active", "status.warranty_ended", "status.suspended",
		"suspended.producer.title", "suspended.producer.body", "suspended.seller.title", "suspended.seller.body")
	for _, k := range keys {
		assert.NotEmpty(t, zh[k], "zh %s", k)
		assert.NotEmpty(t, en[k], "en %s", k)
	}
	for _, look := range verdictLooks {
		assert.Contains(t, pageIcons, look.icon)
	}
}
