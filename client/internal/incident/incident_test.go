package incident_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tracechain/tracechain/client/internal/incident"
)

func TestRefIsFreshHex(t *testing.T) {
	a, b := incident.Ref(), incident.Ref()
	assert.Regexp(t, `^[0-9a-f]{16}$`, a)
	assert.NotEqual(t, a, b)
}
