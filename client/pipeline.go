package client

import (
	"context"
	"time"
)

// sent is a transaction endorsed and handed to the orderer whose commit is
// not awaited yet: the unit of the SDK's pipelined writes (CommissionBulk's
// chunks, SendCaptureDocument's documents), which endorse the next
// transaction while earlier ones are ordered and validated.
type sent struct {
	c  *Client
	cl call
	tx transaction
	cm commit
}

// startTx endorses cl, building new proposals on the failures that allow
// one (as submit does), and sends it to the orderer.
func (c *Client) startTx(ctx context.Context, cl call) (*sent, error) {
	tx, err := retry(ctx, c.retrier(time.Time{}), proposalClass(c.MSPID()), func() (transaction, error) {
		return c.endorse(ctx, cl)
	})
	if err != nil {
		return nil, err
	}
	cm, err := c.send(ctx, tx)
	if err != nil {
		return nil, err
	}
	return &sent{c: c, cl: cl, tx: tx, cm: cm}, nil
}

// wait awaits the commit. A transaction that definitely did not commit for a
// transient reason (an MVCC conflict) is proposed again and submitted as a
// new one, under the same RetryPolicy as any transaction.
func (s *sent) wait(ctx context.Context) (*submitted, error) {
	res, err := s.c.await(ctx, s.tx, s.cm)
	if err != nil && retryableProposal(err) {
		return s.c.submit(ctx, s.cl)
	}
	return res, err
}
