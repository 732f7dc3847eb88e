package shipping

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/model"
	"lastmile/internal/store"
)

// Job kinds of the shipping batches. Every job is idempotent: a batch resumes after any crash
// by running its jobs again.
const (
	KindDispatch  = "shipping.dispatch"
	KindShipOrder = "shipping.ship_order"
	// QueueShipping is the queue of the label purchases of batches.
	QueueShipping = "shipping"
)

// DispatchArgs hands the next orders of a batch to the job engine.
type DispatchArgs struct {
	BatchID string `json:"batch_id"`
	// Step counts the dispatches of the batch, so that each one's unique key differs.
	Step int `json:"step"`
	// ShopIDs are the shops of the caller that made the batch: the scope its orders ship in.
	ShopIDs []string `json:"shop_ids"`
	Options Options  `json:"options"`
}

// Kind implements store.JobArgs.
func (DispatchArgs) Kind() string { return KindDispatch }

// ShipOrderArgs ships one order of a batch.
type ShipOrderArgs struct {
	BatchID string   `json:"batch_id"`
	Seq     int      `json:"seq"`
	OrderID string   `json:"order_id"`
	ShopIDs []string `json:"shop_ids"`
	Options Options  `json:"options"`
}

// Kind implements store.JobArgs.
func (ShipOrderArgs) Kind() string { return KindShipOrder }

// BatchRequest is what a batch ships: order ids, or every order ready to ship.
type BatchRequest struct {
	OrderIDs []string     `json:"order_ids,omitempty"`
	Filter   *BatchFilter `json:"filter,omitempty"`
	Options
}

// BatchFilter selects orders by state.
type BatchFilter struct {
	// Ready: every order that can ship now: AWAITING_SHIPMENT, confirmed, not held.
	Ready bool `json:"ready"`
}

// CreateBatch stores a batch of orders to ship and answers at once; the job engine ships them
// (RunDispatch, RunShipOrder). Up to Config.MaxBatchOrders orders; a repeated id counts once.
func (s *Service) CreateBatch(ctx context.Context, scope model.Scope, req BatchRequest) (model.Batch, error) {
	if err := req.Options.Validate(); err != nil {
		return model.Batch{}, err
	}
	ids, err := s.batchOrders(ctx, scope, req)
	if err != nil {
		return model.Batch{}, err
	}
	now := s.clock()
	opts, err := json.Marshal(req.Options)
	if err != nil {
		return model.Batch{}, err
	}
	b := model.Batch{ID: s.ids.New("bat", now), ShopID: scope.ShopIDs[0], Kind: "ship", Options: opts,
		Status: model.BatchQueued, Total: len(ids), Pending: len(ids), CreatedAt: now}
	var jobs []store.Job
	if len(ids) > 0 {
		j, err := store.NewJob(DispatchArgs{BatchID: b.ID, ShopIDs: scope.ShopIDs, Options: req.Options}, store.UniqueBy(b.ID+":d0"))
		if err != nil {
			return model.Batch{}, err
		}
		jobs = append(jobs, j)
	}
	if err := s.d.Shipping.CreateBatch(ctx, b, ids, jobs); err != nil {
		return model.Batch{}, err
	}
	if len(ids) == 0 {
		b.Status = model.BatchDone
		b.FinishedAt = &now
	}
	return b, nil
}

// batchOrders resolves the request's orders: the ids as given (checked, repeats dropped), or
// every ready order of the caller's shops.
func (s *Service) batchOrders(ctx context.Context, scope model.Scope, req BatchRequest) ([]string, error) {
	bad := func(code, field, msg string) error {
		return &model.ValidationError{Problems: []model.FieldError{{Code: code, Field: field, Message: msg}}}
	}
	switch {
	case len(req.OrderIDs) > 0 && req.Filter != nil:
		return nil, bad("conflicting_fields", "filter", "give order_ids or filter, not both")
	case req.Filter != nil && !req.Filter.Ready:
		return nil, bad("invalid_filter", "filter.ready", "the only filter is {\"ready\":true}: every order that can ship now")
	case req.Filter != nil:
		return s.readyOrders(ctx, scope)
	case len(req.OrderIDs) == 0:
		return nil, bad("missing_field", "order_ids", "list the orders to ship in order_ids, or send {\"filter\":{\"ready\":true}}")
	case len(req.OrderIDs) > s.cfg.MaxBatchOrders:
		return nil, bad("too_many", "order_ids", fmt.Sprintf("%d orders in one batch: at most %d; split it", len(req.OrderIDs), s.cfg.MaxBatchOrders))
	}
	seen := make(map[string]bool, len(req.OrderIDs))
	ids := make([]string, 0, len(req.OrderIDs))
	for i, id := range req.OrderIDs {
		if strings.TrimSpace(id) == "" || len(id) > 128 {
			return nil, bad("invalid_id", fmt.Sprintf("order_ids[%d]", i), "an order id is 1 to 128 characters, e.g. ord_…")
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// readyOrders lists the orders of the scope that can ship now: AWAITING_SHIPMENT, not held,
// confirmed (R-ORD-3, R-ORD-6).
func (s *Service) readyOrders(ctx context.Context, scope model.Scope) ([]string, error) {
	held := false
	q := store.OrderQuery{ShopIDs: scope.ShopIDs, Statuses: []model.Status{model.StatusAwaitingShipment}, NeedsAttention: &held, Limit: store.MaxQueryRows}
	var ids []string
	for {
		page, err := s.d.Store.ListOrders(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, o := range page {
			if o.ConfirmedAt != nil {
				ids = append(ids, o.ID)
			}
		}
		if len(page) < q.Limit || len(ids) >= s.cfg.MaxBatchOrders {
			break
		}
		last := page[len(page)-1]
		q.After = &store.Cursor{ModifiedAt: last.ModifiedAt, ID: last.ID}
	}
	if len(ids) > s.cfg.MaxBatchOrders {
		ids = ids[:s.cfg.MaxBatchOrders]
	}
	return ids, nil
}

// Batch returns a batch with its counts.
func (s *Service) Batch(ctx context.Context, scope model.Scope, id string) (model.Batch, error) {
	return s.d.Shipping.GetBatch(ctx, scope.ShopIDs, id)
}

// BatchItems returns up to limit results of a batch after seq afterSeq (-1: from the first).
func (s *Service) BatchItems(ctx context.Context, scope model.Scope, id string, afterSeq, limit int) ([]model.BatchItem, error) {
	if _, err := s.d.Shipping.GetBatch(ctx, scope.ShopIDs, id); err != nil {
		return nil, err
	}
	return s.d.Shipping.ListBatchItems(ctx, id, afterSeq, limit)
}

// RunDispatch is the handler of KindDispatch: it hands the batch's next Config.DispatchChunk
// orders to the job engine as ship jobs, and the next dispatch with them, in one transaction.
func (s *Service) RunDispatch(ctx context.Context, args DispatchArgs) error {
	n, err := s.d.Shipping.DispatchBatch(ctx, args.BatchID, s.cfg.DispatchChunk, func(items []model.BatchItem) ([]store.Job, error) {
		jobs := make([]store.Job, 0, len(items)+1)
		for _, it := range items {
			j, err := store.NewJob(ShipOrderArgs{BatchID: args.BatchID, Seq: it.Seq, OrderID: it.OrderID, ShopIDs: args.ShopIDs, Options: args.Options},
				store.InQueue(QueueShipping), store.UniqueBy(fmt.Sprintf("%s:%d", args.BatchID, it.Seq)))
			if err != nil {
				return nil, err
			}
			jobs = append(jobs, j)
		}
		if len(items) == s.cfg.DispatchChunk {
			next := args.Step + 1
			j, err := store.NewJob(DispatchArgs{BatchID: args.BatchID, Step: next, ShopIDs: args.ShopIDs, Options: args.Options},
				store.UniqueBy(fmt.Sprintf("%s:d%d", args.BatchID, next)))
			if err != nil {
				return nil, err
			}
			jobs = append(jobs, j)
		}
		return jobs, nil
	})
	if err != nil {
		return fmt.Errorf("dispatch batch %s: %w", args.BatchID, err)
	}
	s.d.Log.Debug("batch dispatched", "batch_id", args.BatchID, "step", args.Step, "orders", n)
	return nil
}

// ShipJob is how the job engine runs a job: its attempt and how many it gets.
type ShipJob struct {
	Attempt, MaxAttempts int
}

// RunShipOrder is the handler of KindShipOrder: one pass of the ship workflow for the order.
// A refusal is the order's result (failed, with the reason) and ends the job. Any other error
// is returned for the engine to retry (carrier.RetryAfter says when, for a rate limit), except
// on the job's last attempt, where the order fails with that error: a batch always ends with an
// outcome for every order.
func (s *Service) RunShipOrder(ctx context.Context, job ShipJob, args ShipOrderArgs) error {
	scope := model.Scope{ShopIDs: args.ShopIDs}
	_, err := s.ship(ctx, scope, args.OrderID, args.Options, &batchRef{id: args.BatchID, seq: args.Seq})
	if err == nil {
		return nil
	}
	var re *RefusalError
	last := job.Attempt >= job.MaxAttempts && job.MaxAttempts > 0
	switch {
	case errors.As(err, &re), errors.Is(err, model.ErrNotFound), errors.Is(err, model.ErrInvalid), last:
		if ferr := s.failItem(ctx, scope, args, err); ferr != nil {
			return errors.Join(err, ferr)
		}
		return nil
	}
	if ctx.Err() == nil && !carrier.IsTransient(err) {
		s.d.Log.Warn("ship order of batch", "batch_id", args.BatchID, "order_id", args.OrderID, "attempt", job.Attempt, "err", err)
	}
	return err
}

// failItem records an order's failure in its batch. An order that is not there (another
// shop's, deleted) is recorded without touching any order.
func (s *Service) failItem(ctx context.Context, scope model.Scope, args ShipOrderArgs, cause error) error {
	fe := asFieldError(cause)
	if errors.Is(cause, model.ErrNotFound) {
		fe = &model.FieldError{Code: "not_found", Field: "order_id", Message: fmt.Sprintf("order %s was not found for this batch's shops", args.OrderID)}
	}
	item := &model.BatchItem{BatchID: args.BatchID, Seq: args.Seq, OrderID: args.OrderID, Outcome: model.ItemFailed, Error: fe}
	_, err := s.d.Shipping.ChangeShipping(ctx, scope.ShopIDs, args.OrderID, func(st store.ShippingState) (store.ShippingChange, error) {
		// An order shipped in an earlier run of this job keeps its success.
		for _, sh := range liveShipments(st.Shipments) {
			if sh.BatchID == args.BatchID && sh.Status.Labelled() && allLabelled(currentPackages(st), st.Shipments) {
				return store.ShippingChange{}, nil
			}
		}
		return store.ShippingChange{BatchItem: item}, nil
	})
	if errors.Is(err, model.ErrNotFound) {
		return s.d.Shipping.RecordBatchItem(ctx, *item)
	}
	return err
}

// JobHandler is one kind of shipping job, for the job engine to run (app registers them): the
// capability names its work without importing the engine.
type JobHandler struct {
	Kind  string
	Queue string
	// Run works one job of the kind. An error with a RetryAfter() method asks for a run after
	// that long without spending an attempt (a carrier's rate limit); any other error retries
	// with backoff.
	Run func(ctx context.Context, attempt, maxAttempts int, args json.RawMessage) error
}

// Jobs are the handlers of the shipping jobs.
func (s *Service) Jobs() []JobHandler {
	return []JobHandler{
		{Kind: KindDispatch, Queue: store.DefaultJobQueue, Run: func(ctx context.Context, _, _ int, raw json.RawMessage) error {
			var args DispatchArgs
			if err := json.Unmarshal(raw, &args); err != nil {
				return permanent{fmt.Errorf("%s args: %w", KindDispatch, err)}
			}
			return s.RunDispatch(ctx, args)
		}},
		{Kind: KindShipOrder, Queue: QueueShipping, Run: func(ctx context.Context, attempt, max int, raw json.RawMessage) error {
			var args ShipOrderArgs
			if err := json.Unmarshal(raw, &args); err != nil {
				return permanent{fmt.Errorf("%s args: %w", KindShipOrder, err)}
			}
			err := s.RunShipOrder(ctx, ShipJob{Attempt: attempt, MaxAttempts: max}, args)
			if d := carrier.RetryAfter(err); d > 0 {
				return retryAfter{err: err, after: d}
			}
			return err
		}},
	}
}

// retryAfter asks the job engine to run a job again after a carrier's Retry-After.
type retryAfter struct {
	err   error
	after time.Duration
}

func (e retryAfter) Error() string             { return e.err.Error() }
func (e retryAfter) Unwrap() error             { return e.err }
func (e retryAfter) RetryAfter() time.Duration { return e.after }

// permanent is a job error no retry can fix.
type permanent struct{ err error }

func (e permanent) Error() string   { return e.err.Error() }
func (e permanent) Unwrap() error   { return e.err }
func (e permanent) Permanent() bool { return true }
