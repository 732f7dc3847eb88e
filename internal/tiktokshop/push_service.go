package tiktokshop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// ProblemPush is the code of the order problem that says a shipment could not be pushed to
// TikTok (R-API-3): the order stays Pending Shipment on the platform until it is fixed.
const ProblemPush = "tiktok_push_failed"

// PushArgs are the arguments of a tiktok.push_shipment job: tell the platform that a
// seller-shipped package left, with its carrier and tracking number.
type PushArgs struct {
	ShopID     string `json:"shop_id"`
	OrderID    string `json:"order_id"`
	ShipmentID string `json:"shipment_id"`
}

// Kind implements store.JobArgs.
func (PushArgs) Kind() string { return KindPush }

// pushAttempts bounds a push's retries: with the worker's backoff about 2 hours, inside the
// platform's 72 h window for the tracking number.
const pushAttempts = 15

// FollowUp is shipping's hook: a newly labelled seller-shipped shipment gets a push job, in
// the label's transaction (R-API-3). The job waits PushDelay, so that the labels of a batch
// shipping run, bought within moments of each other, are pushed together in one
// packages/ship call (Push). Platform-logistics shipments need none: the platform issued their
// label and number. A shop with no TikTok connection makes the job a no-op.
func (s *Service) FollowUp(o model.Order, sh model.Shipment) ([]store.Job, error) {
	if sh.Mode == model.ModePlatform || sh.TrackingNumber == "" {
		return nil, nil
	}
	j, err := store.NewJob(PushArgs{ShopID: o.ShopID, OrderID: o.ID, ShipmentID: sh.ID}, store.UniqueBy(sh.ID),
		store.MaxAttempts(pushAttempts), store.RunAt(s.now().Add(s.cfg.PushDelay)))
	if err != nil {
		return nil, err
	}
	return []store.Job{j}, nil
}

func (s *Service) runPush(ctx context.Context, raw json.RawMessage) error {
	var a PushArgs
	if err := json.Unmarshal(raw, &a); err != nil {
		return fmt.Errorf("tiktok.push_shipment args: %w", err)
	}
	return s.Push(ctx, a)
}

// errRefused is a push the platform (or lastmile before it) refused. Retrying it unchanged
// cannot help, except when retry says the fix is outside the shipment (the configuration's
// carrier mapping): then the job retries while the problem shows on the order.
type errRefused struct {
	msg   string
	retry bool
}

func (e errRefused) Error() string { return e.msg }

// Push sends one shipment's carrier and tracking number to the platform and returns its own
// outcome. Pushes of one shop that run at the same time (the jobs of a batch shipping run) go
// together: one of them sends the group in one packages/ship call (PushMany) and each gets its
// own item's result, so only the failed ones are retried. A crash loses nothing: every
// shipment's job stays until its own push succeeded or was refused.
func (s *Service) Push(ctx context.Context, a PushArgs) error {
	return s.pushes.add(ctx, a)
}

// finish records one push's outcome: metrics, the log, and the order's problem, set on a
// refusal and cleared on success. It returns what the shipment's job returns.
func (s *Service) finish(ctx context.Context, c model.Connection, it *pushItem) error {
	o, sh, err := it.o, it.sh, it.err
	var ref errRefused
	switch {
	case err == nil:
		s.m.pushes.WithLabelValues("pushed").Inc()
		s.d.Log.Info("tiktok shipment pushed", "order", o.ID, "tiktok_order", o.ExternalID, "tracking_number", sh.TrackingNumber, "done", it.note)
		return s.setPushProblem(ctx, o, "")
	case errors.As(err, &ref):
		s.m.pushes.WithLabelValues("refused").Inc()
		s.d.Log.Warn("tiktok shipment push refused", "order", o.ID, "tiktok_order", o.ExternalID, "err", err)
		if perr := s.setPushProblem(ctx, o, ref.msg); perr != nil {
			return perr
		}
		if ref.retry {
			return fmt.Errorf("push shipment %s of order %s to tiktok: %w", sh.ID, o.ID, err)
		}
		return nil
	default:
		s.m.pushes.WithLabelValues("failed").Inc()
		s.markReauth(ctx, c.ID, err)
		return fmt.Errorf("push shipment %s of order %s to tiktok: %w", sh.ID, o.ID, err)
	}
}

// setPushProblem records msg as the order's push problem, or clears it when msg is "". The
// problem names its source, so that the checks run on a newer version of the order keep it
// until a push succeeds.
func (s *Service) setPushProblem(ctx context.Context, o model.Order, msg string) error {
	_, err := s.d.Store.UpdateOrder(ctx, []string{o.ShopID}, o.ID, func(o *model.Order) (bool, error) {
		i := slices.IndexFunc(o.Problems, func(p model.Problem) bool { return p.Code == ProblemPush })
		switch {
		case msg == "" && i < 0:
			return false, nil
		case msg == "":
			o.Problems = slices.Delete(o.Problems, i, i+1)
		case i >= 0 && o.Problems[i].Message == msg && o.Problems[i].Source == CauseTikTok:
			return false, nil
		case i >= 0:
			o.Problems[i].Message, o.Problems[i].Source = msg, CauseTikTok
		default:
			o.Problems = append(o.Problems, model.Problem{Code: ProblemPush, Field: "tracking_number", Message: msg,
				Severity: model.SeverityWarning, Source: CauseTikTok,
				Suggestion: "fix what the message names (the shipment: void and ship again; the carrier mapping: tiktok_providers); the problem stays until a push succeeds"})
		}
		o.ModifiedAt = s.now()
		return true, nil
	})
	return err
}

// fromTikTok reports whether the integration created the order (its first history event's
// cause), rather than the API or a file import in the same shop.
func fromTikTok(o model.Order) bool {
	return len(o.History) > 0 && o.History[0].Cause == CauseTikTok
}

// ErrNothingToRetry refuses a push retry of an order that has no refused push to run again; it
// is a conflict with the order's state (409).
var ErrNothingToRetry = fmt.Errorf("nothing to retry: %w", model.ErrConflict)

// RetryPush runs the TikTok push of the order's labelled seller-shipped shipments again, now:
// the answer to a refused push (the problem tiktok_push_failed, source tiktok) once what it
// named is fixed (the carrier mapping, the platform's side). It returns the order and how many
// shipments it queued. It is idempotent: a shipment whose push job is still queued or retrying
// gets no second one (the job is unique per shipment), and a push finds what the platform has
// before it sends. An order outside scope is ErrNotFound; one without the problem, or without
// a labelled shipment to push, is ErrNothingToRetry (409).
func (s *Service) RetryPush(ctx context.Context, scope model.Scope, orderID string) (model.Order, int, error) {
	o, err := s.d.Store.GetOrder(ctx, scope.ShopIDs, orderID)
	if err != nil {
		return o, 0, err
	}
	if !slices.ContainsFunc(o.Problems, func(p model.Problem) bool { return p.Code == ProblemPush && p.Source == CauseTikTok }) {
		return o, 0, fmt.Errorf("order %s has no refused TikTok push (no %s problem): %w", o.ID, ProblemPush, ErrNothingToRetry)
	}
	shs, err := s.d.Store.ListShipments(ctx, store.ShipmentQuery{ShopIDs: []string{o.ShopID}, OrderID: o.ID, Limit: store.MaxQueryRows})
	if err != nil {
		return o, 0, fmt.Errorf("shipments of order %s: %w", o.ID, err)
	}
	var jobs []store.Job
	for _, sh := range shs {
		if !sh.Status.Labelled() || sh.Mode == model.ModePlatform || sh.TrackingNumber == "" {
			continue
		}
		j, err := store.NewJob(PushArgs{ShopID: o.ShopID, OrderID: o.ID, ShipmentID: sh.ID}, store.UniqueBy(sh.ID),
			store.MaxAttempts(pushAttempts), store.RunAt(s.now()))
		if err != nil {
			return o, 0, err
		}
		jobs = append(jobs, j)
	}
	if len(jobs) == 0 {
		return o, 0, fmt.Errorf("order %s has no labelled seller-shipped shipment to push: void the label and ship the order again: %w", o.ID, ErrNothingToRetry)
	}
	if err := s.d.Store.EnqueueJobs(ctx, jobs...); err != nil {
		return o, 0, fmt.Errorf("queue the push of order %s: %w", o.ID, err)
	}
	return o, len(jobs), nil
}
