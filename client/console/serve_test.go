package console_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/console"
)

// memberOf answers GetMember with a member of role, or err.
type memberOf struct {
	role model.Role
	err  error
}

func (m memberOf) MSPID() string { return "SomeMSP" }
func (m memberOf) GetMember(_ context.Context, id string) (*model.Member, error) {
	if m.err != nil {
		return nil, m.err
	}
	return &model.Member{MSPID: id, Role: m.role}, nil
}

func TestRequireRegulator(t *testing.T) {
	tests := []struct {
		name string
		m    memberOf
		want error
	}{
		{"the Regulator", memberOf{role: model.RoleRegulator}, nil},
		{"a provincial regulator", memberOf{role: model.RoleProvincialRegulator}, nil},
		{"a manufacturer", memberOf{role: model.RoleManufacturer}, console.ErrNotRegulator},
		{"a retailer", memberOf{role: model.RoleRetailer}, console.ErrNotRegulator},
		{"not a member", memberOf{err: client.ErrNotFound}, client.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := console.RequireRegulator(context.Background(), tt.m)
			if tt.want == nil {
				require.NoError(t, err)
				assert.Equal(t, tt.m.role, m.Role)
				return
			}
			assert.True(t, errors.Is(err, tt.want), "%v", err)
		})
	}
}
