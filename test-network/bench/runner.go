package bench

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	gateway "github.com/hyperledger/fabric-gateway/pkg/client"
	gatewaypb "github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tracechain/tracechain/chaincode/model"
)

// Tx is one transaction function invocation by one organisation's user,
// through its own gateway peer.
type Tx struct {
	Org       string            // organisation that sends it
	Chaincode string            // "" for tracechain; benchcc.Chaincode for the baseline
	Contract  string            // "" for the chaincode's default contract
	Fn        string            // transaction function
	Args      []string          // arguments
	Transient map[string][]byte // private input (never in the transaction)
	Endorsers []string          // MSP IDs that must endorse; nil lets the gateway choose
	Evaluate  bool              // read-only: evaluated on the gateway peer, never ordered
	// URL, when set, makes the step an HTTP GET (a shopper's scan through the
	// verification service) instead of a Fabric call; Evaluate must be set.
	URL string
}

// Op is one measured operation: its steps run one after another, each
// submitted transaction awaited until committed before the next starts. Its
// latency runs from building the first proposal to the commit status (or
// evaluation result) of the last step.
type Op struct {
	Units int // units of goods (or keys) the operation handles
	Steps []Tx
	// Do, when set instead of Steps, is an operation the SDK or a service
	// drives whole (a bulk of pipelined transactions, a capture job); it
	// returns the transactions it committed or tried.
	Do func(ctx context.Context) (txs int, err error)
}

// Source yields the operations of a scenario; ok is false when it has no
// more (a pool of prepared goods ran out).
type Source func(seq int) (op Op, ok bool, err error)

// Budget bounds a phase by a number of operations or, when Ops is zero, by
// wall-clock time.
type Budget struct {
	Ops      int
	Duration time.Duration
}

func (b Budget) String() string {
	if b.Ops > 0 {
		return fmt.Sprintf("%d ops", b.Ops)
	}
	return b.Duration.String()
}

func (b Budget) zero() bool { return b.Ops <= 0 && b.Duration <= 0 }

// Plan says how a scenario is driven.
type Plan struct {
	Warmup   Budget
	Measure  Budget
	Workers  int // goroutines that endorse and send to the orderer
	InFlight int // operations started but not yet settled
}

// sample is the outcome of one operation.
type sample struct {
	latency  time.Duration
	units    int
	txs      int
	fail     string // "" when it committed (or evaluated) successfully
	msg      string
	end      time.Time
	measured bool // dispatched in the measured phase (not the warm-up)
}

// phaseResult is what the runner observed while driving one source.
type phaseResult struct {
	samples   []sample  // every operation, warm-up included
	start     time.Time // first measured operation dispatched
	stop      time.Time // dispatching of measured operations ended
	end       time.Time // last measured operation settled
	timed     bool      // the measured budget was a duration
	exhausted bool      // the source ran out before the budget
	warmupOps int
}

// window is the time over which throughput is counted. For a timed budget
// it is the measured dispatch window, during which the pipeline is full
// (the warm-up filled it): operations completing in it are counted, so
// neither the ramp-up nor the drain of the pipeline biases the rate. For a
// count budget it runs from the first measured dispatch to the last
// measured settlement.
func (p *phaseResult) window() (time.Time, time.Time) {
	if p.timed {
		return p.start, p.stop
	}
	return p.start, p.end
}

// runner drives operations through the organisations' gateways.
type runner struct {
	conns map[string]*orgConn
}

// run runs a warm-up phase then a measured phase as one continuous stream:
// the pipeline stays full across the boundary, and only operations started
// after it are measured.
func (r *runner) run(ctx context.Context, plan Plan, next Source) (*phaseResult, error) {
	workers := max(plan.Workers, 1)
	inFlight := max(plan.InFlight, 1)
	sem := make(chan struct{}, inFlight)
	type job struct {
		op       Op
		measured bool
	}
	jobs := make(chan job)
	var (
		mu  sync.Mutex
		res = &phaseResult{timed: plan.Measure.Ops <= 0}
		all sync.WaitGroup
	)
	record := func(measured bool, s sample) {
		s.measured = measured
		mu.Lock()
		res.samples = append(res.samples, s)
		if measured && s.end.After(res.end) {
			res.end = s.end
		}
		mu.Unlock()
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				r.start(ctx, j.op, func(s sample) {
					record(j.measured, s)
					<-sem
					all.Done()
				})
			}
		}()
	}

	var srcErr error
	dispatch := func(b Budget, measured bool) bool {
		begin := time.Now()
		if measured {
			mu.Lock()
			res.start = begin
			mu.Unlock()
		}
		for n := 0; ; n++ {
			if b.Ops > 0 && n >= b.Ops || b.Ops <= 0 && time.Since(begin) >= b.Duration {
				return true
			}
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return false
			}
			if b.Ops <= 0 && time.Since(begin) >= b.Duration {
				<-sem
				return true
			}
			seq := n
			if measured {
				seq += res.warmupOps
			}
			op, ok, err := next(seq)
			if err != nil || !ok {
				<-sem
				srcErr = err
				res.exhausted = err == nil
				return false
			}
			if !measured {
				res.warmupOps++
			}
			all.Add(1)
			jobs <- job{op: op, measured: measured}
		}
	}
	if plan.Warmup.zero() || dispatch(plan.Warmup, false) {
		dispatch(plan.Measure, true)
	}
	mu.Lock()
	res.stop = time.Now()
	mu.Unlock()
	close(jobs)
	wg.Wait()
	all.Wait()
	if srcErr != nil {
		return res, srcErr
	}
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	return res, nil
}

// start runs op: the first step's endorse and submit on the calling worker,
// the rest (awaiting commits, later steps) on a new goroutine, so the worker
// can go on with the next operation. done is called exactly once.
func (r *runner) start(ctx context.Context, op Op, done func(sample)) {
	begin := time.Now()
	finish := func(txs int, fail, msg string) {
		end := time.Now()
		done(sample{latency: end.Sub(begin), units: op.Units, txs: txs, fail: fail, msg: msg, end: end})
	}
	if op.Do != nil {
		go func() {
			txs, err := op.Do(ctx)
			if err != nil {
				finish(txs, classify("sdk", err), err.Error())
				return
			}
			finish(txs, "", "")
		}()
		return
	}
	if len(op.Steps) == 0 {
		finish(0, "empty operation", "")
		return
	}
	first := op.Steps[0]
	if first.Evaluate {
		go func() { r.continueOp(ctx, op, 0, nil, finish) }()
		return
	}
	cm, fail, msg := r.send(ctx, first)
	if fail != "" {
		finish(1, fail, msg)
		return
	}
	go func() { r.continueOp(ctx, op, 0, cm, finish) }()
}

// continueOp settles step i (whose commit is cm when it was already sent)
// and runs the remaining steps. A step by another organisation than the
// previous one waits until its own peer has committed the previous step's
// block (see orgConn.waitHeight); that wait is part of the latency.
func (r *runner) continueOp(ctx context.Context, op Op, i int, cm *gateway.Commit, finish func(int, string, string)) {
	var block uint64
	prevOrg := ""
	for ; i < len(op.Steps); i++ {
		tx := op.Steps[i]
		if prevOrg != "" && tx.Org != prevOrg {
			if c, ok := r.conns[tx.Org]; ok {
				if err := c.waitHeight(ctx, block+1, commitStatusTimeout); err != nil {
					finish(i+1, "wait-height", err.Error())
					return
				}
			}
		}
		prevOrg = tx.Org
		if tx.Evaluate {
			if fail, msg := r.evaluate(ctx, tx); fail != "" {
				finish(i+1, fail, msg)
				return
			}
			continue
		}
		if cm == nil {
			var fail, msg string
			if cm, fail, msg = r.send(ctx, tx); fail != "" {
				finish(i+1, fail, msg)
				return
			}
		}
		b, fail, msg := r.await(ctx, cm)
		if fail != "" {
			finish(i+1, fail, msg)
			return
		}
		block, cm = b, nil
	}
	finish(len(op.Steps), "", "")
}

func (r *runner) proposal(tx Tx) (*gateway.Proposal, error) {
	c, ok := r.conns[tx.Org]
	if !ok {
		return nil, fmt.Errorf("no connection for organisation %s", tx.Org)
	}
	opts := []gateway.ProposalOption{gateway.WithArguments(tx.Args...)}
	if len(tx.Transient) > 0 {
		opts = append(opts, gateway.WithTransient(tx.Transient))
	}
	if len(tx.Endorsers) > 0 {
		opts = append(opts, gateway.WithEndorsingOrganizations(tx.Endorsers...))
	}
	return c.contract(tx.Chaincode, tx.Contract).NewProposal(tx.Fn, opts...)
}

// send endorses tx and sends it to the orderer.
func (r *runner) send(ctx context.Context, tx Tx) (*gateway.Commit, string, string) {
	p, err := r.proposal(tx)
	if err != nil {
		return nil, "proposal", err.Error()
	}
	ectx, cancel := context.WithTimeout(ctx, endorseTimeout)
	t, err := p.EndorseWithContext(ectx)
	cancel()
	if err != nil {
		return nil, classify("endorse", err), err.Error()
	}
	sctx, cancel := context.WithTimeout(ctx, submitTimeout)
	cm, err := t.SubmitWithContext(sctx)
	cancel()
	if err != nil {
		return nil, classify("submit", err), err.Error()
	}
	return cm, "", ""
}

// await waits for a sent transaction's commit status on the gateway peer
// and returns the number of the block that holds it.
func (r *runner) await(ctx context.Context, cm *gateway.Commit) (uint64, string, string) {
	cctx, cancel := context.WithTimeout(ctx, commitStatusTimeout)
	st, err := cm.StatusWithContext(cctx)
	cancel()
	if err != nil {
		return 0, classify("commit-status", err), err.Error()
	}
	if !st.Successful {
		return st.BlockNumber, st.Code.String(), fmt.Sprintf("transaction %s invalid in block %d: %s", st.TransactionID, st.BlockNumber, st.Code)
	}
	return st.BlockNumber, "", ""
}

// evaluate runs a read-only step.
func (r *runner) evaluate(ctx context.Context, tx Tx) (string, string) {
	if tx.URL != "" {
		return scanURL(ctx, tx.URL)
	}
	p, err := r.proposal(tx)
	if err != nil {
		return "proposal", err.Error()
	}
	ectx, cancel := context.WithTimeout(ctx, evaluateTimeout)
	_, err = p.EvaluateWithContext(ectx)
	cancel()
	if err != nil {
		return classify("evaluate", err), err.Error()
	}
	return "", ""
}

// classify names a failure of step: "chaincode <CODE>" for a refusal by the
// tracechain chaincode, "<step> <gRPC code>" for other gateway errors.
func classify(step string, err error) string {
	if me := chaincodeError(err); me != nil {
		return "chaincode " + string(me.Code)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return step + " " + codes.DeadlineExceeded.String()
	}
	if errors.Is(err, context.Canceled) {
		return step + " " + codes.Canceled.String()
	}
	if st, ok := status.FromError(err); ok {
		return step + " " + st.Code().String()
	}
	return step + " error"
}

// chaincodeError finds a rendered model.Error in the gateway's per-peer
// error details or in the error text.
func chaincodeError(err error) *model.Error {
	if st, ok := status.FromError(err); ok {
		for _, d := range st.Details() {
			if ed, ok := d.(*gatewaypb.ErrorDetail); ok {
				if me, ok := model.ParseError(ed.GetMessage()); ok {
					return me
				}
			}
		}
	}
	if me, ok := model.ParseError(err.Error()); ok {
		return me
	}
	return nil
}
