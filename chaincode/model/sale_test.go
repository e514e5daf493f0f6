package model

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestSaleHashIsSaltedAndZoneIndependent(t *testing.T) {
	d := SaleData{
		SalesTime:    time.Date(2026, 3, 1, 10, 0, 0, 0, time.FixedZone("CST", 8*3600)),
		BuyerName:    "张三",
		BuyerAddress: "北京市海淀区",
		BuyerContact: "13800000000",
	}
	utc := d
	utc.SalesTime = d.SalesTime.UTC()
	salt := "00112233445566778899aabbccddeeff"

	h := SaleHash(salt, d)
	assert.Len(t, h, 64)
	assert.Equal(t, h, SaleHash(salt, utc))
	assert.NotEqual(t, h, SaleHash(salt+"0", d))
	d.BuyerContact = "13800000001"
	assert.NotEqual(t, h, SaleHash(salt, d))
}

func TestEnumHelpers(t *testing.T) {
	assert.Equal(t, DispositionStolen, ReasonStolen.Disposition())
	assert.Equal(t, Disposition(""), Reason("lost").Disposition())
	assert.True(t, DispositionRetailSold.Terminal())
	assert.True(t, DispositionDamaged.Decommissioned())
	assert.False(t, DispositionInTransit.Terminal())
	assert.True(t, RoleRetailer.Valid())
	assert.False(t, Role("auditor").Valid())
	assert.Equal(t, "salesRetailerMSP", SalesCollection("RetailerMSP"))
}
