package contract

import (
	"reflect"

	"github.com/hyperledger/fabric-contract-api-go/v2/metadata"
	"github.com/hyperledger/fabric-contract-api-go/v2/serializer"

	"github.com/tracechain/tracechain/chaincode/model"
)

// argSerializer is the contract API's JSON serializer with model errors:
// an argument that does not decode or match its schema is INVALID_ARGUMENT,
// a result that does not match its schema is INTERNAL.
type argSerializer struct {
	serializer.JSONSerializer
	checkResults bool // validate results against their schema (tests)
}

// FromString implements serializer.TransactionSerializer.
func (s *argSerializer) FromString(param string, t reflect.Type, pm *metadata.ParameterMetadata, c *metadata.ComponentMetadata) (reflect.Value, error) {
	v, err := s.JSONSerializer.FromString(param, t, pm, c)
	if err != nil {
		name := "argument"
		if pm != nil && pm.Name != "" {
			name = pm.Name
		}
		return v, model.Errorf(model.CodeInvalidArgument, "%s does not decode as %s: %s", name, t, truncate(err.Error()))
	}
	return v, nil
}

// ToString implements serializer.TransactionSerializer. Results are built by
// this chaincode's own typed code, so in service they are not validated
// against their JSON schema on every call: that validation cost more CPU than
// the rest of a Verify. The contract tests turn it on and drive every result
// type through it.
func (s *argSerializer) ToString(v reflect.Value, t reflect.Type, r *metadata.ReturnMetadata, c *metadata.ComponentMetadata) (string, error) {
	if !s.checkResults {
		r = nil
	}
	out, err := s.JSONSerializer.ToString(v, t, r, c)
	if err != nil {
		return "", model.Errorf(model.CodeInternal, "result does not match its schema: %s", truncate(err.Error()))
	}
	return out, nil
}
