// Package mocks holds gomock doubles of the Fabric interfaces the contract
// layer talks to: the transaction context, the chaincode stub, the client
// identity and the state query iterator. Regenerate with `go generate`.
package mocks

//go:generate go run go.uber.org/mock/mockgen@v0.6.0 -destination=context.go -package=mocks github.com/hyperledger/fabric-contract-api-go/v2/contractapi TransactionContextInterface
//go:generate go run go.uber.org/mock/mockgen@v0.6.0 -destination=stub.go -package=mocks github.com/hyperledger/fabric-chaincode-go/v2/shim ChaincodeStubInterface,StateQueryIteratorInterface
//go:generate go run go.uber.org/mock/mockgen@v0.6.0 -destination=identity.go -package=mocks github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid ClientIdentity
