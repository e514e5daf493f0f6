# tracechain: `make demo` runs the demo on a local network; `make test` runs all tests.
GO       ?= go
BIN      := $(CURDIR)/.bin
NETWORK  := bash test-network/network.sh
FUZZTIME ?= 30s
FUZZ_PKGS := ./chaincode/identifier ./chaincode/epcis ./client/resolver ./client/label
export TRACECHAIN_BIN := $(BIN)

.PHONY: all help build tools demo test unit-test label-test lint fuzz integration-test browser-test up down status bench soak clean

all: build

## help: list the targets
help:
	@sed -n 's/^## \([a-z-]*\): /\1\t/p' $(MAKEFILE_LIST) | expand -t 18

## build: the CLI, the chaincode server, and the Fabric tools (cached after the first time)
build: tools
	$(GO) build -o $(BIN)/tracectl ./client/cmd/tracectl
	$(GO) build -o $(BIN)/traced ./client/cmd/traced

## tools: Fabric v3.1.1 peer, orderer, configtxgen, cryptogen, osnadmin from the Go module proxy
tools:
	$(NETWORK) tools

## demo: start a fresh local network and the verification service, and run the demo story
demo: build
	$(NETWORK) down
	$(NETWORK) up
	$(NETWORK) serve
	TRACECTL=$(BIN)/tracectl bash test-network/demo.sh
	@echo "The network, the verification service and the regulator's console keep running: 'make status', 'make down'."

## test: unit tests, lint, fuzz smoke run, integration tests on one network they start themselves, browser tests
test: label-test unit-test lint fuzz integration-test browser-test

unit-test:
	$(GO) vet ./...
	$(GO) test -count=1 ./...

## label-test: labels through poppler, librsvg and ImageMagick at 150/300/600 dpi, decoded by zbarimg, dmtxread and ZXingReader (labeltools.sh ensure installs them as root)
label-test:
	bash test-network/labeltools.sh ensure
	$(GO) test -tags labeldecode -count=1 -run '^TestDecoders$$' ./client/label/

# The chaincode's product packages, where map order must not reach the ledger.
MAPORDER_PKGS = $(shell $(GO) list ./chaincode/... | grep -v -e /chaincode/integration -e /chaincode/internal/mocks)

## lint: golangci-lint (.golangci.yml, with the integration and browser tags) and maporder on the chaincode
lint: $(BIN)/golangci-lint
	$(BIN)/golangci-lint run ./...
	$(GO) build -o $(BIN)/maporder ./internal/lint/cmd/maporder
	$(BIN)/maporder $(MAPORDER_PKGS)

# Rebuilt only when the tools module changes, i.e. a new golangci-lint version.
$(BIN)/golangci-lint: test-network/tools/lint/go.mod test-network/tools/lint/go.sum
	cd test-network/tools/lint && GOBIN=$(BIN) $(GO) install tool
	@touch $@

## fuzz: every fuzz target for FUZZTIME (default 30s) each (internal/fuzzrun)
fuzz:
	$(GO) run ./internal/fuzzrun -go $(GO) -fuzztime $(FUZZTIME) $(FUZZ_PKGS)

## integration-test: every integration suite on one network that it starts and stops (test-network/integration.sh)
integration-test: build
	GO=$(GO) bash test-network/integration.sh

## browser-test: the verification page in headless Chromium on a phone viewport (browser.sh ensure installs Chromium as root); PNGs to TRACECHAIN_SCREENSHOTS
browser-test:
	$(GO) test -tags browser -count=1 -run '^TestBrowser' ./client/resolver/

## up: start the local network (down stops it, status shows every node's health and memory)
up: build
	$(NETWORK) up
down:
	$(NETWORK) down
status:
	$(NETWORK) status

## soak: the fault suite's mixed load for DURATION (default 30m) with faults injected at random, on a network of its own, then the end checks
DURATION ?= 30m
soak: build
	env -u TRACECHAIN_TESTNET_DIR TRACECHAIN_SOAK=$(DURATION) $(GO) test -tags integration -count=1 -timeout 0 -run '^TestSoak$$' -v ./test-network/faults/

## bench: the short benchmark suite on the running network (make up); BENCH_FLAGS adds tracebench flags
BENCH_OUT ?= $(CURDIR)/.scratch/bench
bench:
	$(GO) run ./test-network/bench/cmd/tracebench --short --out $(BENCH_OUT) $(BENCH_FLAGS)

clean: down
	rm -rf $(BIN)
