package returns

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// Job kinds of the returns package, and the one it enqueues for the notify package.
const (
	// KindPlatformEvent: a marketplace said a return changed (TikTok webhook type 12,
	// RETURN_STATUS_CHANGE); the handler fetches the return and upserts it.
	KindPlatformEvent = "returns.platform_event"
	// KindPush: push a decision to the marketplace (approve, reject, received).
	KindPush = "returns.push_decision"
	// KindBuyLabel: buy a return label (R-RET-3, R-RET-4).
	KindBuyLabel = "returns.buy_label"
	// KindNotify is the notify package's kind: one domain event for outbound webhooks.
	KindNotify = model.KindNotifyEvent
	// EventReturnUpdated is the event type of every change of a return.
	EventReturnUpdated = model.EventReturnUpdated
)

// Marketplace is what the returns package needs of a connected marketplace; its adapter (the
// TikTok Shop integration) implements it, so that this package does not import the
// marketplace's client. An error with a Permanent() bool method that reports true is a refusal
// no retry can change (the request is in another state); any other error is retried.
type Marketplace interface {
	// FetchReturn returns the platform's current view of the return request returnID.
	FetchReturn(ctx context.Context, ref PlatformRef, returnID string) (PlatformReturn, error)
	// PushDecision tells the platform a decision on the return request returnID. It is
	// idempotent by idempotencyKey: the same key on a retry is the same decision.
	PushDecision(ctx context.Context, ref PlatformRef, returnID, idempotencyKey string, d PlatformDecision) error
}

// PlatformRef says which shop and marketplace connection a call is for.
type PlatformRef struct {
	// ShopID is lastmile's shop.
	ShopID string
	// Connection is the marketplace connection as the event named it (for TikTok, what the
	// integration needs to find the shop's cipher and token); may be empty.
	Connection string
}

// PlatformReturn is a return request as the marketplace describes it.
type PlatformReturn struct {
	ReturnID string
	// OrderID is the marketplace's order id (lastmile's order external id).
	OrderID string
	// Status is the platform's return status (model.ReturnStatus values).
	Status string
	// Type is REFUND, RETURN_AND_REFUND or REPLACEMENT.
	Type string
	// Reason is the platform's reason text.
	Reason string
	// Lines are the returned SKUs and quantities; empty means every line of the order.
	Lines  []LineRequest
	Photos []string
	// CreatedAt is when the buyer asked; zero: unknown.
	CreatedAt time.Time
}

// PlatformDecision is a decision for the marketplace: Action is one of the Action constants
// (approve_refund, approve_return, approve_received, reject); Reason is the buyer's reason for a
// rejection.
type PlatformDecision struct {
	Action string
	Reason string
}

// PlatformEventArgs are the arguments of a returns.platform_event job: what the marketplace's
// event said. The marketplace integration enqueues one per event (TikTok webhook type 12).
type PlatformEventArgs struct {
	// ShopID is lastmile's shop the connection belongs to.
	ShopID string `json:"shop_id"`
	// Connection is the marketplace connection, passed back to the Marketplace; may be empty.
	Connection string `json:"connection,omitempty"`
	// Marketplace names the marketplace ("tiktok", the default).
	Marketplace  string `json:"marketplace,omitempty"`
	ReturnID     string `json:"return_id"`
	OrderID      string `json:"order_id"`
	ReturnStatus string `json:"return_status"`
	ReturnType   string `json:"return_type,omitempty"`
}

// Kind implements store.JobArgs.
func (PlatformEventArgs) Kind() string { return KindPlatformEvent }

// PlatformEventJob is the job a marketplace integration enqueues for a return event, unique per
// (shop, return, status) while it waits, so a burst of duplicate deliveries is one job.
func PlatformEventJob(a PlatformEventArgs) (store.Job, error) {
	return store.NewJob(a, store.UniqueBy(a.ShopID+"/"+a.ReturnID+"/"+a.ReturnStatus))
}

// PushArgs are the arguments of a returns.push_decision job.
type PushArgs struct {
	ShopID   string `json:"shop_id"`
	ReturnID string `json:"return_id"`
	Action   string `json:"action"`
	Reason   string `json:"reason,omitempty"`
}

// Kind implements store.JobArgs.
func (PushArgs) Kind() string { return KindPush }

// BuyLabelArgs are the arguments of a returns.buy_label job.
type BuyLabelArgs struct {
	ShopID     string `json:"shop_id"`
	ReturnID   string `json:"return_id"`
	ShipmentID string `json:"shipment_id"`
}

// Kind implements store.JobArgs.
func (BuyLabelArgs) Kind() string { return KindBuyLabel }

// NotifyEvent is a notify.event job's arguments (model.NotifyEvent): for a return, id is the
// return's id and data the return as GET /v1/returns/{id} shows it.
type NotifyEvent = model.NotifyEvent

// eventJob is the return.updated event of r as it now stands, enqueued with its change.
func eventJob(r *model.Return) (store.Job, error) {
	data, err := json.Marshal(r)
	if err != nil {
		return store.Job{}, fmt.Errorf("return %s event: %w", r.ID, err)
	}
	return store.NewJob(NotifyEvent{Type: EventReturnUpdated, ShopID: r.ShopID, OrderID: r.OrderID, ID: r.ID, Data: data})
}

// pushJob pushes action on r to its marketplace; one live job per (return, action).
func pushJob(r *model.Return, action, reason string) (store.Job, error) {
	return store.NewJob(PushArgs{ShopID: r.ShopID, ReturnID: r.ID, Action: action, Reason: reason}, store.UniqueBy(r.ID+":"+action))
}

// JobHandler is one kind of returns job, for the job engine to run (app registers them).
type JobHandler struct {
	Kind string
	// Run works one job. An error with Permanent() true gives the job up; any other retries it.
	Run func(ctx context.Context, args json.RawMessage) error
}

// Jobs are the handlers of the returns jobs (not notify.event, which the notify package runs).
func (s *Service) Jobs() []JobHandler {
	return []JobHandler{
		{Kind: KindPlatformEvent, Run: func(ctx context.Context, raw json.RawMessage) error {
			var a PlatformEventArgs
			if err := json.Unmarshal(raw, &a); err != nil {
				return permanent{fmt.Errorf("%s args: %w", KindPlatformEvent, err)}
			}
			_, err := s.PlatformEvent(ctx, a)
			return err
		}},
		{Kind: KindPush, Run: func(ctx context.Context, raw json.RawMessage) error {
			var a PushArgs
			if err := json.Unmarshal(raw, &a); err != nil {
				return permanent{fmt.Errorf("%s args: %w", KindPush, err)}
			}
			return s.Push(ctx, a)
		}},
		{Kind: KindBuyLabel, Run: func(ctx context.Context, raw json.RawMessage) error {
			var a BuyLabelArgs
			if err := json.Unmarshal(raw, &a); err != nil {
				return permanent{fmt.Errorf("%s args: %w", KindBuyLabel, err)}
			}
			_, err := s.BuyLabel(ctx, a)
			return err
		}},
	}
}

// permanent is a job error no retry can fix.
type permanent struct{ err error }

func (e permanent) Error() string   { return e.err.Error() }
func (e permanent) Unwrap() error   { return e.err }
func (e permanent) Permanent() bool { return true }

// isPermanent reports whether err says a retry cannot help.
func isPermanent(err error) bool {
	var p interface{ Permanent() bool }
	return errors.As(err, &p) && p.Permanent()
}

// ErrOrderNotSynced is a marketplace return whose order lastmile does not have yet; the job is
// retried until the order sync brings it.
var ErrOrderNotSynced = errors.New("the return's order is not in lastmile yet")

// PlatformEvent handles a marketplace's return event: it fetches the return from the platform
// (the event says little, and may be stale or repeated), then creates the return, decided by the
// shop's rules, or brings the stored one's status forward. Replays change nothing.
func (s *Service) PlatformEvent(ctx context.Context, a PlatformEventArgs) (model.Return, error) {
	if strings.TrimSpace(a.ShopID) == "" || strings.TrimSpace(a.ReturnID) == "" {
		return model.Return{}, permanent{fmt.Errorf("%s: shop_id and return_id are required: %+v", KindPlatformEvent, a)}
	}
	pr := PlatformReturn{ReturnID: a.ReturnID, OrderID: a.OrderID, Status: a.ReturnStatus, Type: a.ReturnType}
	if s.d.Marketplace != nil {
		got, err := s.d.Marketplace.FetchReturn(ctx, PlatformRef{ShopID: a.ShopID, Connection: a.Connection}, a.ReturnID)
		if err != nil {
			return model.Return{}, fmt.Errorf("fetch return %s: %w", a.ReturnID, err)
		}
		pr = got
		if pr.OrderID == "" {
			pr.OrderID = a.OrderID
		}
	}
	status := model.ReturnStatus(pr.Status)
	if !status.Valid() {
		return model.Return{}, permanent{fmt.Errorf("return %s: status %q is not a return status the platform publishes", a.ReturnID, pr.Status)}
	}
	source := a.Marketplace
	if source == "" {
		source = "tiktok"
	}
	merge := func(existing *model.Return) (store.ReturnChange, error) {
		now := s.clock()
		r := *existing
		if !MergeStatus(&r, status, now, source) {
			return store.ReturnChange{}, nil
		}
		return s.changed(r, now, nil)
	}
	if _, err := s.d.Store.GetReturnByExternalID(ctx, a.ShopID, a.ReturnID); err == nil {
		return s.upsertPlatform(ctx, a, nil, merge)
	} else if !errors.Is(err, model.ErrNotFound) {
		return model.Return{}, err
	}
	orders, err := s.d.Store.ListOrders(ctx, store.OrderQuery{ShopIDs: []string{a.ShopID}, ExternalID: pr.OrderID, Limit: 1})
	if err != nil {
		return model.Return{}, err
	}
	if len(orders) == 0 {
		return model.Return{}, fmt.Errorf("return %s of order %s: %w", a.ReturnID, pr.OrderID, ErrOrderNotSynced)
	}
	o := orders[0]
	requested := s.clock()
	if !pr.CreatedAt.IsZero() {
		requested = pr.CreatedAt.UTC().Truncate(time.Microsecond)
	}
	d, jobs, err := s.draft(ctx, &o, draftInput{source: source, connection: a.Connection, externalID: a.ReturnID, status: status,
		typ: pr.Type, reason: ReasonOf(pr.Reason), reasonText: pr.Reason, lines: platformLines(&o, pr.Lines), photos: pr.Photos,
		requested: requested, actor: source})
	if err != nil {
		return model.Return{}, err
	}
	return s.upsertPlatform(ctx, a, &store.ReturnChange{Return: d, Changed: true, Jobs: jobs}, merge)
}

// upsertPlatform writes a platform return: created as drafted, or merged into the stored one.
func (s *Service) upsertPlatform(ctx context.Context, a PlatformEventArgs, created *store.ReturnChange, merge store.ReturnUpsertFunc) (model.Return, error) {
	r, err := s.d.Store.UpsertReturn(ctx, a.ShopID, a.ReturnID, func(existing *model.Return) (store.ReturnChange, error) {
		switch {
		case existing != nil:
			return merge(existing)
		case created == nil: // it was there a moment ago: deleted returns do not exist
			return store.ReturnChange{}, fmt.Errorf("return %s vanished: %w", a.ReturnID, model.ErrConflict)
		}
		return *created, nil
	})
	if err == nil && r.ID == "" {
		return s.d.Store.GetReturnByExternalID(ctx, a.ShopID, a.ReturnID)
	}
	return r, err
}

// platformLines are the returned lines the platform named, priced from the order; without any,
// every line of the order. SKUs the order does not have are kept at no value.
func platformLines(o *model.Order, asked []LineRequest) []model.ReturnLine {
	var out []model.ReturnLine
	if len(asked) == 0 {
		for _, l := range o.Lines {
			out = append(out, model.ReturnLine{SKU: l.SKU, Name: l.Name, Quantity: l.Quantity, UnitPrice: l.UnitPrice})
		}
		return out
	}
	for _, a := range asked {
		rl := model.ReturnLine{SKU: a.SKU, Quantity: a.Quantity, UnitPrice: model.Money{Currency: o.Currency}}
		for _, l := range o.Lines {
			if l.SKU == a.SKU {
				rl.Name, rl.UnitPrice = l.Name, l.UnitPrice
				break
			}
		}
		out = append(out, rl)
	}
	return out
}

// Push sends a decision to the marketplace with the idempotency key "<return id>:<action>", the
// same on every retry, and records it on the return. A refusal is recorded and gives up.
func (s *Service) Push(ctx context.Context, a PushArgs) error {
	r, err := s.d.Store.GetReturn(ctx, []string{a.ShopID}, a.ReturnID)
	if errors.Is(err, model.ErrNotFound) {
		return permanent{err}
	}
	if err != nil {
		return err
	}
	if r.ExternalID == "" {
		return nil // a return made in lastmile: no marketplace to tell
	}
	if slices.ContainsFunc(r.Pushes, func(p model.ReturnPush) bool { return p.Action == a.Action }) {
		return nil // pushed (or refused) before: this run is a repeat
	}
	if s.d.Marketplace == nil {
		return permanent{fmt.Errorf("return %s: no marketplace is connected to push %s to", r.ID, a.Action)}
	}
	perr := s.d.Marketplace.PushDecision(ctx, PlatformRef{ShopID: r.ShopID, Connection: r.Connection}, r.ExternalID,
		r.ID+":"+a.Action, PlatformDecision{Action: a.Action, Reason: a.Reason})
	if perr != nil && !isPermanent(perr) {
		return fmt.Errorf("push %s of return %s: %w", a.Action, r.ID, perr)
	}
	_, err = s.d.Store.ChangeReturn(ctx, []string{a.ShopID}, a.ReturnID, func(r model.Return) (store.ReturnChange, error) {
		if slices.ContainsFunc(r.Pushes, func(p model.ReturnPush) bool { return p.Action == a.Action }) {
			return store.ReturnChange{}, nil // another run recorded it
		}
		now := s.clock()
		p := model.ReturnPush{Action: a.Action, At: now}
		if perr != nil {
			p.Error = perr.Error()
		}
		r.Pushes = append(r.Pushes, p)
		r.History = append(r.History, model.ReturnEvent{At: now, Kind: EventPushed, Cause: "lastmile", Reason: a.Action + pushOutcome(perr)})
		return s.changed(r, now, nil)
	})
	if err != nil {
		return err
	}
	if perr != nil {
		return permanent{fmt.Errorf("push %s of return %s: the marketplace refused: %w", a.Action, r.ID, perr)}
	}
	return nil
}

func pushOutcome(err error) string {
	if err != nil {
		return ": refused: " + err.Error()
	}
	return ""
}
