package sim

import (
	"bytes"
	"container/heap"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"time"
)

// Webhook is where a carrier account pushes its tracking events: the receiver's URL and the
// account's signing secret.
type Webhook struct {
	URL    string
	Secret string
}

// DefaultWebhookEvery is how often, in real time, a network with webhooks pushes the events
// its clock has reached, unless Options.WebhookEvery says otherwise.
const DefaultWebhookEvery = time.Second

// maxWebhookLabels bounds the labels of one delivery.
const maxWebhookLabels = 100

func (h Webhook) validate(code string) error {
	u, err := url.Parse(h.URL)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return fmt.Errorf("webhook of %s: URL %q: want http(s)://host/path", code, h.URL)
	case len(h.Secret) < 16:
		return fmt.Errorf("webhook of %s: the secret must have at least 16 characters", code)
	}
	return nil
}

// pushEntry is a label due for a push at a time of the network's clock.
type pushEntry struct {
	at  time.Time
	rec *labelRec
}

// pushHeap orders labels by when their next event falls due.
type pushHeap []pushEntry

func (h pushHeap) Len() int           { return len(h) }
func (h pushHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h pushHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *pushHeap) Push(x any)        { *h = append(*h, x.(pushEntry)) }
func (h *pushHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

// schedule queues l for a push at at, unless it is queued for earlier already. Only labels of
// carriers with a webhook are queued. The caller holds the network's mutex.
func (s *state) schedule(l *labelRec, at time.Time) {
	if !s.hooks[l.Carrier] {
		return
	}
	if !l.scheduled.IsZero() && !at.Before(l.scheduled) {
		return
	}
	l.scheduled = at
	heap.Push(&s.due, pushEntry{at: at, rec: l})
}

// pending is a label's events for one delivery, and the time of the last of them.
type pending struct {
	rec  *labelRec
	t    wireTracking
	upTo time.Time
}

// PushWebhooks delivers every event the network's clock has reached and no delivery carried
// yet, to the webhook of its carrier, in batches of up to 100 labels. A failed delivery is
// tried again on the next push. It returns the events delivered. A network with webhooks
// calls it every Options.WebhookEvery; tests call it to push at once.
func (n *Network) PushWebhooks(ctx context.Context) (int, error) {
	select {
	case <-n.closing:
		return 0, errClosed
	default:
	}
	now := n.opts.Now()
	batches := map[string][]pending{}
	n.mu.Lock()
	for n.st.due.Len() > 0 && !n.st.due[0].at.After(now) {
		e := heap.Pop(&n.st.due).(pushEntry)
		if !e.at.Equal(e.rec.scheduled) {
			continue // superseded by an earlier entry
		}
		e.rec.scheduled = time.Time{}
		p := n.profiles[e.rec.Carrier]
		pd := pending{rec: e.rec, t: wireTracking{TrackingNumber: e.rec.Number, Found: true}}
		for _, ev := range plan(p, e.rec, n.st.seed, &n.opts.Journey) {
			if ev.at.After(now) {
				n.st.schedule(e.rec, ev.at)
				break
			}
			if ev.at.After(e.rec.pushed) {
				pd.t.Events = append(pd.t.Events, wireEvent{Code: p.events[ev.step].code, Description: p.events[ev.step].description, OccurredAt: ev.at, Location: ev.where})
				pd.upTo = ev.at
			}
		}
		if len(pd.t.Events) > 0 {
			batches[e.rec.Carrier] = append(batches[e.rec.Carrier], pd)
		}
	}
	n.mu.Unlock()

	sent := 0
	var errs []error
	for _, code := range slices.Sorted(maps.Keys(batches)) {
		all := batches[code]
		for len(all) > 0 {
			chunk := all[:min(len(all), maxWebhookLabels)]
			all = all[len(chunk):]
			err := n.deliver(ctx, code, now, chunk)
			events := 0
			for _, pd := range chunk {
				events += len(pd.t.Events)
			}
			n.mu.Lock()
			st := n.st.stats(code)
			if err != nil {
				st.WebhookFailures++
				for _, pd := range chunk {
					n.st.schedule(pd.rec, now) // again on the next push
				}
			} else {
				st.WebhookDeliveries++
				st.WebhookEvents += int64(events)
				for _, pd := range chunk {
					if pd.upTo.After(pd.rec.pushed) {
						pd.rec.pushed = pd.upTo
					}
				}
				sent += events
			}
			n.mu.Unlock()
			if err != nil {
				n.opts.Logger.Warn("sim: webhook delivery failed; it will be tried again", "carrier", code, "err", err)
				errs = append(errs, err)
			}
		}
	}
	return sent, errors.Join(errs...)
}

// deliver POSTs one batch, signed.
func (n *Network) deliver(ctx context.Context, code string, now time.Time, chunk []pending) error {
	hook := n.opts.Webhooks[code]
	id := fmt.Sprintf("whk_%s_%d", code, n.deliveries.Add(1))
	body := wireWebhook{Carrier: code, DeliveryID: id, SentAt: now.UTC(), Tracking: make([]wireTracking, len(chunk))}
	for i, pd := range chunk {
		body.Tracking[i] = pd.t
	}
	data, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("webhook of %s: %w", code, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(SignatureHeader, SignWebhook(hook.Secret, now, data))
	req.Header.Set(DeliveryHeader, id)
	resp, err := n.hookClient.Do(req)
	if err != nil {
		return fmt.Errorf("webhook of %s: %w", code, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook of %s: %s answered %s", code, hook.URL, resp.Status)
	}
	return nil
}

// pushLoop pushes every WebhookEvery until the network closes.
func (n *Network) pushLoop(ctx context.Context) {
	defer close(n.pushDone)
	t := time.NewTicker(n.opts.WebhookEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			_, _ = n.PushWebhooks(ctx) // failures are logged and retried
		case <-ctx.Done():
			return
		}
	}
}
