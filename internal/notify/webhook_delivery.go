package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// Job kinds of the notify package.
const (
	// KindEvent is one domain event (model.NotifyEvent), fanned out to the subscriptions.
	KindEvent = model.KindNotifyEvent
	// KindEvents is several domain events of one shop (model.NotifyEventBatch), from one
	// transaction, fanned out together.
	KindEvents = model.KindNotifyEvents
	// KindDeliver makes one attempt of one webhook delivery.
	KindDeliver = "notify.deliver_webhook"
)

// DeliverArgs are a notify.deliver_webhook job's arguments: the attempt it is to make.
type DeliverArgs struct {
	ShopID     string `json:"shop_id"`
	DeliveryID string `json:"delivery_id"`
	Attempt    int    `json:"attempt"`
}

// Kind implements store.JobArgs.
func (DeliverArgs) Kind() string { return KindDeliver }

// deliverJob is the job of a pending delivery's next attempt, due at its NextAttemptAt (now when
// unset). It carries no unique key: the store makes a delivery pending, with its job, only on a
// change of its state, and Deliver does nothing unless the delivery is pending at the attempt
// the job is for (a job may be made while the run that paused the delivery still finishes,
// which a unique key would drop).
func (s *Service) deliverJob(d model.WebhookDelivery) (store.Job, error) {
	attempt := d.Attempts + 1
	var opts []store.JobOption
	if d.NextAttemptAt != nil {
		opts = append(opts, store.RunAt(*d.NextAttemptAt))
	}
	return store.NewJob(DeliverArgs{ShopID: d.ShopID, DeliveryID: d.ID, Attempt: attempt}, opts...)
}

// Job is one run of a notify job, as the job engine gives it.
type Job struct {
	// ID is the job's id: a notify.event's event id is made from it, the same on every run.
	ID        int64
	CreatedAt time.Time
	Args      json.RawMessage
}

// JobHandler is one kind of notify job, for the job engine to run (app registers them).
type JobHandler struct {
	Kind string
	// Run works one job. An error with Permanent() true gives the job up; any other retries it.
	Run func(ctx context.Context, job Job) error
}

// Jobs are the handlers of the notify jobs.
func (s *Service) Jobs() []JobHandler {
	return []JobHandler{
		{Kind: KindEvent, Run: func(ctx context.Context, j Job) error {
			var ev model.NotifyEvent
			if err := json.Unmarshal(j.Args, &ev); err != nil {
				return permanent{fmt.Errorf("%s args: %w", KindEvent, err)}
			}
			var orders []string
			if ev.OrderID != "" {
				orders = []string{ev.OrderID}
			}
			return s.runEvents(ctx, j, ev.ShopID, orders, []model.NotifyEvent{ev}, false)
		}},
		{Kind: KindEvents, Run: func(ctx context.Context, j Job) error {
			var b model.NotifyEventBatch
			if err := json.Unmarshal(j.Args, &b); err != nil {
				return permanent{fmt.Errorf("%s args: %w", KindEvents, err)}
			}
			evs, err := b.Events()
			if err != nil {
				return permanent{fmt.Errorf("%s: %w", KindEvents, err)}
			}
			return s.runEvents(ctx, j, b.ShopID, b.OrderIDs, evs, true)
		}},
		{Kind: KindSendMessage, Run: func(ctx context.Context, j Job) error {
			var a SendArgs
			if err := json.Unmarshal(j.Args, &a); err != nil {
				return permanent{fmt.Errorf("%s args: %w", KindSendMessage, err)}
			}
			return s.SendMessage(ctx, a)
		}},
		{Kind: KindDeliver, Run: func(ctx context.Context, j Job) error {
			var a DeliverArgs
			if err := json.Unmarshal(j.Args, &a); err != nil {
				return permanent{fmt.Errorf("%s args: %w", KindDeliver, err)}
			}
			return s.Deliver(ctx, a)
		}},
	}
}

// runEvents fans out the events of one notify.event or notify.events job of shopID, naming
// orders, and writes their buyer messages. Each event's id is made from the job's and its place
// in the job, the same on every run, so that a run after a crash adds only what the crashed one
// did not (the deliveries of one job are added in one transaction, the messages are unique per
// event).
func (s *Service) runEvents(ctx context.Context, j Job, shopID string, orders []string, evs []model.NotifyEvent, batch bool) error {
	if shopID != "" && len(orders) > 0 {
		// An earlier event of the same orders is fanned out first: an order's deliveries are
		// queued in the order of its events. Events no subscription takes have no delivery to
		// order (and a shop nobody listens to does not pay for the look at the job table, which
		// grows with the events in flight).
		subscribed := false
		for _, ev := range evs {
			ok, err := s.Subscribed(ctx, shopID, ev.Type)
			if err != nil {
				return err
			}
			if ok {
				subscribed = true
				break
			}
		}
		if subscribed {
			waiting, err := s.d.Store.EarlierNotifyEventWaiting(ctx, shopID, orders, j.ID)
			if err != nil {
				return err
			}
			if waiting {
				return snooze{after: earlierEventWait}
			}
		}
	}
	base := EventID(j.ID, j.CreatedAt)
	list := make([]idEvent, 0, len(evs))
	for i, ev := range evs {
		id := base
		if batch {
			id += "_" + strconv.FormatInt(int64(i), 36)
		}
		if strings.TrimSpace(ev.Type) == "" || strings.TrimSpace(ev.ShopID) == "" || ev.ShopID != shopID {
			if !batch {
				return permanent{fmt.Errorf("%s %s: type and shop_id are required", KindEvent, id)}
			}
			s.d.Log.Error("notify event skipped: type and the batch's shop_id are required", "event", id, "type", ev.Type, "shop", ev.ShopID)
			continue
		}
		list = append(list, idEvent{id: id, ev: ev})
	}
	if _, err := s.fanOut(ctx, j.CreatedAt, list); err != nil {
		return err
	}
	for _, e := range list {
		if _, err := s.Messages(ctx, e.id, e.ev); err != nil {
			return err
		}
	}
	return nil
}

// EventID is the id of the event that the notify.event job jobID, enqueued at created, carries:
// the same on every run of the job, and distinct from other jobs' even where the database reuses
// the id of a deleted job (SQLite).
func EventID(jobID int64, created time.Time) string {
	return "evt_" + strconv.FormatInt(created.UnixMicro(), 36) + "_" + strconv.FormatInt(jobID, 36)
}

// earlierEventWait is how long a fan-out waits before it looks again for an earlier event of
// its order.
const earlierEventWait = 100 * time.Millisecond

// snooze runs the job again after a while without counting an attempt (the job engine reads
// RetryAfter).
type snooze struct{ after time.Duration }

func (e snooze) Error() string             { return "an earlier event of the order is not fanned out yet" }
func (e snooze) RetryAfter() time.Duration { return e.after }

// permanent is a job error no retry can fix.
type permanent struct{ err error }

func (e permanent) Error() string   { return e.err.Error() }
func (e permanent) Unwrap() error   { return e.err }
func (e permanent) Permanent() bool { return true }

// Payload is the JSON body of every delivery.
type Payload struct {
	Type      string          `json:"type"`
	ID        string          `json:"id"`
	CreatedAt time.Time       `json:"created_at"`
	Data      json.RawMessage `json:"data"`
}

// FanOut makes one delivery of the event for each enabled subscription of its shop that wants
// its type, and reports how many it added. Running it again for the same event adds nothing.
func (s *Service) FanOut(ctx context.Context, eventID string, createdAt time.Time, ev model.NotifyEvent) (int, error) {
	if strings.TrimSpace(ev.Type) == "" || strings.TrimSpace(ev.ShopID) == "" {
		return 0, permanent{fmt.Errorf("%s %s: type and shop_id are required", KindEvent, eventID)}
	}
	return s.fanOut(ctx, createdAt, []idEvent{{id: eventID, ev: ev}})
}

// idEvent is an event with its id.
type idEvent struct {
	id string
	ev model.NotifyEvent
}

// fanOut is FanOut for events of one shop, in the order they happened, in one transaction.
func (s *Service) fanOut(ctx context.Context, createdAt time.Time, evs []idEvent) (int, error) {
	if len(evs) == 0 {
		return 0, nil
	}
	subs, err := s.d.Store.ListWebhookSubscriptions(ctx, []string{evs[0].ev.ShopID})
	if err != nil {
		return 0, err
	}
	now := s.clock()
	var ds []model.WebhookDelivery
	for _, e := range evs {
		ev := e.ev
		var body []byte
		for _, sub := range subs {
			if !sub.Enabled || !sub.Wants(ev.Type) {
				continue
			}
			if body == nil {
				data := ev.Data
				if len(bytes.TrimSpace(data)) == 0 {
					data = json.RawMessage(`{}`)
				}
				if body, err = json.Marshal(Payload{Type: ev.Type, ID: e.id, CreatedAt: createdAt.UTC(), Data: data}); err != nil {
					return 0, permanent{fmt.Errorf("%s %s: %w", KindEvent, e.id, err)}
				}
			}
			ds = append(ds, model.WebhookDelivery{ID: s.ids.New("whd", now), ShopID: ev.ShopID, SubscriptionID: sub.ID, EventID: e.id,
				EventType: ev.Type, OrderID: ev.OrderID, Body: body, CreatedAt: now})
		}
	}
	if len(ds) == 0 {
		return 0, nil
	}
	// One order of locks for every fan-out, so that two of them cannot deadlock; stable, so
	// that a subscription's deliveries keep the order of their events.
	slices.SortStableFunc(ds, func(a, b model.WebhookDelivery) int { return strings.Compare(a.SubscriptionID, b.SubscriptionID) })
	return s.d.Store.AddWebhookDeliveries(ctx, ds, s.deliverJob)
}

// maxErrorText bounds the endpoint's answer kept in the delivery log.
const maxErrorText = 300

// Deliver makes attempt a.Attempt of a delivery, if it is still due: it signs and posts the body,
// and records the outcome. A failure is retried after the next wait of the retry schedule; the
// attempt after the last wait fails the delivery and disables its subscription, with an error
// logged for the operator.
func (s *Service) Deliver(ctx context.Context, a DeliverArgs) error {
	d, err := s.d.Store.GetWebhookDelivery(ctx, []string{a.ShopID}, a.DeliveryID)
	if errors.Is(err, model.ErrNotFound) {
		return nil // its subscription was deleted
	}
	if err != nil {
		return err
	}
	if d.Status != model.DeliveryPending || d.Attempts != a.Attempt-1 {
		return nil // made or replaced by another run
	}
	sub, err := s.d.Store.GetWebhookSubscription(ctx, []string{a.ShopID}, d.SubscriptionID)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	now := s.clock()
	att := store.WebhookAttempt{Attempt: a.Attempt, At: now}
	if !sub.Enabled {
		att.Outcome = store.WebhookPaused
		_, _, err := s.d.Store.RecordWebhookAttempt(ctx, d.ID, att, s.deliverJob)
		return err
	}
	att.StatusCode, att.Error = s.post(ctx, sub, d, now)
	switch {
	case att.Error == "":
		att.Outcome = store.WebhookDelivered
	case a.Attempt <= len(s.cfg.RetrySchedule):
		att.Outcome, att.NextAt = store.WebhookRetry, now.Add(s.cfg.RetrySchedule[a.Attempt-1])
	default:
		att.Outcome = store.WebhookFailed
		att.DisableReason = fmt.Sprintf("delivery %s failed %d times since %s (last: %s): enable the subscription once the endpoint answers 2xx",
			d.ID, a.Attempt, d.CreatedAt.Format(time.RFC3339), att.Error)
	}
	_, recorded, err := s.d.Store.RecordWebhookAttempt(ctx, d.ID, att, s.deliverJob)
	if err != nil {
		return err
	}
	switch {
	case !recorded:
	case att.Outcome == store.WebhookFailed:
		s.d.Log.Error("webhook subscription disabled: its endpoint failed every attempt of a delivery",
			"alert", "webhook_subscription_disabled", "subscription", sub.ID, "shop", sub.ShopID, "url", sub.URL,
			"delivery", d.ID, "event", d.EventID, "attempts", a.Attempt, "last_error", att.Error)
	case att.Outcome == store.WebhookRetry:
		s.d.Log.Warn("webhook delivery failed; retrying", "subscription", sub.ID, "delivery", d.ID, "attempt", a.Attempt,
			"next_attempt_at", att.NextAt, "err", att.Error)
	}
	return nil
}

// post sends d to sub's endpoint, signed at now, and returns the HTTP status (0 without an
// answer) and, unless it was 2xx, what went wrong.
func (s *Service) post(ctx context.Context, sub model.WebhookSubscription, d model.WebhookDelivery, now time.Time) (int, string) {
	ts := now.Unix()
	sig, err := Sign(sub.Secret, d.EventID, ts, d.Body)
	if err != nil {
		return 0, "sign: " + err.Error()
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.URL, bytes.NewReader(d.Body))
	if err != nil {
		return 0, cleanText("request: " + err.Error())
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "lastmile-webhooks/1")
	req.Header.Set("webhook-id", d.EventID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", sig)
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, cleanText(err.Error())
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorText))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // let the connection be reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp.StatusCode, ""
	}
	msg := "HTTP " + resp.Status
	if t := strings.TrimSpace(string(answer)); t != "" {
		msg += ": " + t
	}
	return resp.StatusCode, cleanText(msg)
}

// cleanText makes an endpoint's answer storable: valid UTF-8, no NUL, bounded.
func cleanText(s string) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD")
	if len(s) > maxErrorText {
		cut := maxErrorText
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return s
}
