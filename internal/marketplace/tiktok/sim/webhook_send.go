package sim

import (
	"bytes"
	"container/heap"
	"context"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"lastmile/internal/marketplace/tiktok"
)

// wireWebhook is a webhook's envelope, fields in the order of the platform's example.
type wireWebhook struct {
	Type           int    `json:"type"`
	NotificationID string `json:"tts_notification_id"`
	ShopID         string `json:"shop_id"`
	Timestamp      int64  `json:"timestamp"`
	Data           any    `json:"data"`
}

// wireStatusChange is type 1's data; CANCEL spells CANCELLED.
type wireStatusChange struct {
	IsOnHoldOrder bool   `json:"is_on_hold_order"`
	OrderID       string `json:"order_id"`
	OrderStatus   string `json:"order_status"`
	UpdateTime    int64  `json:"update_time"`
}

// emitStatus sends ORDER_STATUS_CHANGE for o's current status.
func (s *Sim) emitStatus(o *order, now time.Time) {
	st := o.w.Status
	if st == tiktok.OrderCancelled {
		st = tiktok.OrderCancelWebhook
	}
	s.emit(o.shop, tiktok.WebhookOrderStatusChange, wireStatusChange{IsOnHoldOrder: o.w.IsOnHoldOrder, OrderID: o.w.ID, OrderStatus: st, UpdateTime: now.Unix()}, now)
}

// emit sends a webhook of type typ about shop sh, signed, to the address the shop subscribed
// for the type (none: not sent, counted in WebhooksNoAddress), dropping, duplicating or delaying it at the configured rates. It
// returns the notification id.
func (s *Sim) emit(sh *shopState, typ int, data any, now time.Time) string {
	return s.emitWith(sh, typ, data, now, false)
}

// emitWith is emit; a reliable webhook (one asked for through /sim/webhooks) is sent once and
// on time whatever the rates.
func (s *Sim) emitWith(sh *shopState, typ int, data any, now time.Time, reliable bool) string {
	id := s.nextID("73")
	// Only subscribed types are sent, each to its subscribed address. A type the subscription
	// API has no name for cannot be subscribed: it goes to Options.WebhookURL, if any.
	name := tiktok.EventName(typ)
	addr := sh.subs[name]
	if name == "" {
		addr = s.opts.WebhookURL
	}
	if addr == "" {
		s.stats.WebhooksNoAddress++
		return id
	}
	body, err := marshal(wireWebhook{Type: typ, NotificationID: id, ShopID: sh.ID, Timestamp: now.Unix(), Data: data})
	if err != nil {
		s.opts.Logger.Error("tiktok sim: encoding a webhook", "err", err)
		return id
	}
	d := delivery{url: addr, body: body, auth: tiktok.WebhookSignature(s.opts.AppKey, s.opts.AppSecret, body)}
	if reliable {
		s.stats.WebhooksByType[strconv.Itoa(typ)]++
		s.stats.WebhooksQueued++
		s.out.push(d)
		return id
	}
	if s.opts.WebhookDrop > 0 && s.rng.Float64() < s.opts.WebhookDrop {
		s.stats.WebhooksDropped++
		return id
	}
	copies := 1
	if s.opts.WebhookDuplicate > 0 && s.rng.Float64() < s.opts.WebhookDuplicate {
		copies = 2
		s.stats.WebhooksDuplicated++
	}
	s.stats.WebhooksByType[strconv.Itoa(typ)] += int64(copies)
	s.stats.WebhooksQueued += int64(copies)
	late := s.opts.WebhookLate > 0 && s.rng.Float64() < s.opts.WebhookLate
	if late {
		s.stats.WebhooksLate++
	}
	for i := 0; i < copies; i++ {
		if late && i == 0 {
			delay := time.Duration(1 + s.rng.Int64N(int64(s.opts.WebhookLateBy)))
			s.seq++
			heap.Push(&s.late, lateDelivery{at: now.Add(delay), seq: s.seq, d: d})
			continue
		}
		s.out.push(d)
	}
	return id
}

// releaseLate sends the late webhooks whose time has come.
func (s *Sim) releaseLate(now time.Time) {
	for len(s.late) > 0 && !s.late[0].at.After(now) {
		s.out.push(heap.Pop(&s.late).(lateDelivery).d)
	}
}

// delivery is one webhook to send.
type delivery struct {
	url, auth string
	body      []byte
}

type lateDelivery struct {
	at  time.Time
	seq uint64
	d   delivery
}

type lateHeap []lateDelivery

func (h lateHeap) Len() int { return len(h) }
func (h lateHeap) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].seq < h[j].seq
}
func (h lateHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *lateHeap) Push(x any)   { *h = append(*h, x.(lateDelivery)) }
func (h *lateHeap) Pop() any {
	old := *h
	d := old[len(old)-1]
	*h = old[:len(old)-1]
	return d
}

// senders is how many webhooks are sent at once.
const senders = 8

// outbox sends webhooks in the background, in the order queued per sender, each once.
type outbox struct {
	hc      *http.Client
	mu      sync.Mutex
	queue   []delivery
	wake    chan struct{}
	stop    chan struct{}
	wg      sync.WaitGroup
	idle    *sync.Cond
	busy    int
	closed  bool
	ok, bad int64
	sim     *Sim
}

func newOutbox(hc *http.Client) *outbox {
	b := &outbox{hc: hc, wake: make(chan struct{}, senders), stop: make(chan struct{})}
	b.idle = sync.NewCond(&b.mu)
	return b
}

func (b *outbox) start(s *Sim) {
	b.sim = s
	for i := 0; i < senders; i++ {
		b.wg.Add(1)
		go b.work()
	}
}

func (b *outbox) push(d delivery) {
	b.mu.Lock()
	b.queue = append(b.queue, d)
	b.mu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

func (b *outbox) work() {
	defer b.wg.Done()
	for {
		b.mu.Lock()
		if len(b.queue) == 0 {
			b.idle.Broadcast()
			b.mu.Unlock()
			select {
			case <-b.stop:
				return
			case <-b.wake:
				continue
			}
		}
		d := b.queue[0]
		b.queue = b.queue[1:]
		b.busy++
		b.mu.Unlock()
		ok := b.send(d)
		b.mu.Lock()
		b.busy--
		if ok {
			b.ok++
		} else {
			b.bad++
		}
		b.mu.Unlock()
		// Another sender may be asleep while work remains.
		select {
		case b.wake <- struct{}{}:
		default:
		}
	}
}

func (b *outbox) send(d delivery) bool {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-b.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	req, err := http.NewRequestWithContext(ctx, "POST", d.url, bytes.NewReader(d.body))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", d.auth)
	resp, err := b.hc.Do(req)
	if err != nil {
		if b.sim != nil {
			b.sim.opts.Logger.Warn("tiktok sim: webhook not delivered", "url", d.url, "err", err)
		}
		return false
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		if b.sim != nil {
			b.sim.opts.Logger.Warn("tiktok sim: webhook refused", "url", d.url, "status", resp.StatusCode)
		}
		return false
	}
	return true
}

// counts returns the webhooks delivered and failed.
func (b *outbox) counts() (ok, bad int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.ok, b.bad
}

// drain waits until every queued webhook has been tried.
func (b *outbox) drain() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for (len(b.queue) > 0 || b.busy > 0) && !b.closed {
		b.idle.Wait()
	}
}

func (b *outbox) close() {
	close(b.stop)
	b.wg.Wait()
	b.mu.Lock()
	b.closed = true
	b.idle.Broadcast()
	b.mu.Unlock()
}

// Flush waits until every webhook queued so far (late ones not yet due excepted) has been sent
// or has failed.
func (s *Sim) Flush() { s.out.drain() }
