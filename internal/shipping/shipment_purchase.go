package shipping

import (
	"context"
	"errors"
	"fmt"
	"time"

	"lastmile/internal/carrier"
)

// retryPause is the pause before a purchase call is tried again after a quick transient
// failure (a 5xx, a dropped connection): long enough not to hammer a carrier that stumbles,
// short against the job engine's retry, which would read and plan the order again.
const retryPause = 250 * time.Millisecond

// purchase buys the label of req from carrier c within Config.PurchaseTimeout, holding one of
// the carrier's slots per call in flight (the caller holds the first call's, release).
//
// Every call carries the same request and so the same idempotency key: the carrier answers a
// repeat with the label it sold the first time and never sells a second one. That makes two
// cheap remedies safe. A call that has not answered after Config.PurchaseHedgeAfter is raced
// by another (a hung call no longer holds its order for the whole timeout), and a call that
// failed quickly and transiently is tried again after a short pause instead of failing the
// pass. At most Config.PurchaseCalls calls are made; the first label wins and the calls still
// in flight are cancelled. A rate limit (429) starts no further call: its Retry-After goes back
// to the job engine. Without a label, the answer is the first non-transient error (a refusal
// is the carrier's word on the request), else the last transient one.
func (s *Service) purchase(ctx context.Context, c carrier.Carrier, req carrier.PurchaseRequest, release func()) (carrier.Label, error) {
	cctx, cancel := context.WithTimeout(ctx, s.cfg.PurchaseTimeout)
	defer cancel() // ends the calls still in flight once one has answered
	type answer struct {
		l   carrier.Label
		err error
	}
	answers := make(chan answer, s.cfg.PurchaseCalls) // never blocks a call that answers late
	start := func(release func()) {
		go func() {
			if release == nil {
				r, err := s.slot(cctx, c.Code())
				if err != nil {
					answers <- answer{err: err}
					return
				}
				release = r
			}
			defer release()
			l, err := c.Purchase(cctx, req)
			answers <- answer{l, err}
		}()
	}
	calls, running := 1, 1
	start(release)
	hedge := time.NewTimer(s.cfg.PurchaseHedgeAfter)
	defer hedge.Stop()
	var retry <-chan time.Time
	var refusal, last error
	limited := false
	for running > 0 || retry != nil {
		select {
		case <-hedge.C:
			// A hedge races a call in flight; a pending retry is not one.
			if running > 0 && calls < s.cfg.PurchaseCalls && !limited && refusal == nil {
				calls++
				running++
				start(nil)
				hedge.Reset(s.cfg.PurchaseHedgeAfter)
			}
		case <-retry:
			retry = nil
			if calls >= s.cfg.PurchaseCalls {
				continue
			}
			calls++
			running++
			start(nil)
			hedge.Reset(s.cfg.PurchaseHedgeAfter)
		case a := <-answers:
			running--
			if a.err == nil {
				return a.l, nil
			}
			last = a.err
			switch {
			case cctx.Err() != nil:
				// Cancelled or out of time: decided below.
			case carrier.KindOf(a.err) == carrier.RateLimited:
				limited = true
			case !carrier.IsTransient(a.err):
				if refusal == nil {
					refusal = a.err
				}
			case running == 0 && retry == nil && calls < s.cfg.PurchaseCalls && !limited && refusal == nil && cctx.Err() == nil:
				retry = time.After(retryPause)
			}
		case <-cctx.Done():
			// Let the calls see their cancellation and answer; nothing new starts.
			retry = nil
			hedge.Stop()
			for ; running > 0; running-- {
				if a := <-answers; a.err == nil {
					return a.l, nil
				}
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return carrier.Label{}, fmt.Errorf("carrier %s purchase: %w", c.Code(), err)
	}
	if refusal != nil {
		return carrier.Label{}, refusal
	}
	if errors.Is(cctx.Err(), context.DeadlineExceeded) {
		// Our own timeout: the purchase may have happened; the retry's key finds it.
		return carrier.Label{}, &carrier.Error{Kind: carrier.Transient, Carrier: c.Code(), Op: "purchase", Code: "timeout",
			Message: fmt.Sprintf("no answer within %s", s.cfg.PurchaseTimeout), Err: cctx.Err()}
	}
	return carrier.Label{}, last
}
