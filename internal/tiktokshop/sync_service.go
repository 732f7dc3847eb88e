package tiktokshop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/model"
)

// Job kinds.
const (
	KindSync       = "tiktok.sync"
	KindFetchOrder = "tiktok.fetch_order"
	KindPush       = "tiktok.push_shipment"
)

// SyncArgs are the arguments of a tiktok.sync job: pull one connection's orders.
type SyncArgs struct {
	ConnectionID string `json:"connection_id"`
}

// Kind implements store.JobArgs.
func (SyncArgs) Kind() string { return KindSync }

// FetchArgs are the arguments of a tiktok.fetch_order job: fetch orders of one platform shop
// by id and store them (after a webhook).
type FetchArgs struct {
	TikTokShopID string   `json:"tiktok_shop_id"`
	OrderIDs     []string `json:"order_ids"`
}

// Kind implements store.JobArgs.
func (FetchArgs) Kind() string { return KindFetchOrder }

func (s *Service) runSync(ctx context.Context, raw json.RawMessage) error {
	var a SyncArgs
	if err := json.Unmarshal(raw, &a); err != nil {
		return fmt.Errorf("tiktok.sync args: %w", err)
	}
	_, err := s.Sync(ctx, a.ConnectionID)
	return err
}

// syncBatch is how many pulled orders are stored in one transaction.
const syncBatch = 1000

// SyncResult is what one pull did.
type SyncResult struct {
	// From and To are the update_time window read: [From, To).
	From, To time.Time
	Pages    int
	// Orders counts the orders read; Stored those created or updated; Refused those that
	// could not be mapped or stored (logged).
	Orders, Stored, Refused int
}

// Sync pulls connection id's orders updated in [cursor − SyncOverlap, now), page by page, stores
// them through the order upsert (a replay or an older version changes nothing) and moves the
// cursor to the window's end once every page is read. A failure leaves the cursor: the next pull
// reads the window again. An access token that expires in the middle is refreshed and the same
// page asked again (the client's EachOrderPage), so no page is lost.
func (s *Service) Sync(ctx context.Context, id string) (SyncResult, error) {
	c, err := s.d.Store.GetConnection(ctx, nil, id)
	if err != nil {
		return SyncResult{}, err
	}
	if c.Status != model.ConnectionConnected {
		s.d.Log.Info("tiktok sync skipped: the connection is not connected", "connection", id, "status", c.Status)
		return SyncResult{}, nil
	}
	sc, err := s.shopClient(c)
	if err != nil {
		s.setStatus(ctx, id, model.ConnectionNeedsReauth, err.Error())
		return SyncResult{}, nil
	}
	// The first pull after connecting, and the first after tiktok_webhook_url changed,
	// subscribes the shop's webhooks (R-ORD-1: orders within seconds, not at the next pull).
	s.ensureWebhooks(ctx, c, sc)
	now := s.now()
	s.markSyncStarted(ctx, id, now)
	// update_time is in whole seconds and the upper bound is exclusive: the window ends after
	// the current second, so an order updated just now is read now.
	r := SyncResult{To: now.Truncate(time.Second).Add(time.Second)}
	if c.SyncCursor.IsZero() {
		r.From = now.Add(-s.cfg.InitialLookback).Truncate(time.Second)
	} else {
		r.From = c.SyncCursor.Add(-s.cfg.SyncOverlap).Truncate(time.Second)
	}
	q := tiktok.OrderQuery{UpdateTimeGE: r.From.Unix(), UpdateTimeLT: r.To.Unix()}
	// Pages are stored ten at a time: one transaction of 1,000 orders costs little more than one
	// of 100 (and nothing is lost when the pull fails: the cursor moves only at its end). The
	// next pages are read while the last ones are stored (storePulled), so that reading and
	// writing each keep a core busy; the pull waits for the last store before it returns.
	fetchCtx, stopFetch := context.WithCancel(ctx)
	defer stopFetch()
	chunks := make(chan []tiktok.Order, 1)
	stored := make(chan storeOutcome, 1)
	go func() { stored <- s.storePulled(ctx, c, chunks, stopFetch) }()
	var pending []tiktok.Order
	hand := func() error {
		select {
		case chunks <- pending:
			pending = nil // the storer owns it now
			return nil
		case <-fetchCtx.Done():
			return fetchCtx.Err()
		}
	}
	err = sc.EachOrderPage(fetchCtx, q, tiktok.Page{Size: tiktok.MaxOrderPageSize, SortField: "update_time", SortOrder: "ASC"}, func(p tiktok.OrderPage) error {
		r.Pages++
		r.Orders += len(p.Orders)
		pending = append(pending, p.Orders...)
		if len(pending) < syncBatch {
			return nil
		}
		return hand()
	})
	if err == nil && len(pending) > 0 {
		err = hand()
	}
	close(chunks)
	out := <-stored
	r.Stored, r.Refused = out.stored, out.refused
	if out.err != nil {
		err = out.err // the store's failure is the cause; the fetch only stopped for it
	}
	if err != nil {
		s.markReauth(ctx, id, err)
		s.recordSync(ctx, id, nil, r, err)
		return r, fmt.Errorf("pull the orders of connection %s: %w", id, err)
	}
	s.recordSync(ctx, id, &r.To, r, nil)
	s.d.Log.Info("tiktok orders pulled", "connection", id, "from", r.From, "to", r.To, "pages", r.Pages, "orders", r.Orders,
		"stored", r.Stored, "refused", r.Refused)
	return r, nil
}

// markSyncStarted records that a pull of the connection started at: a "sync now" made while it
// runs joins it (the job is unique per connection) and says since when it runs.
func (s *Service) markSyncStarted(ctx context.Context, id string, at time.Time) {
	_, err := s.d.Store.UpdateConnection(ctx, id, func(c *model.Connection) (bool, error) {
		c.SyncStartedAt = &at
		return true, nil
	})
	if err != nil {
		s.d.Log.Error("record a tiktok sync's start", "connection", id, "err", err)
	}
}

func (s *Service) recordSync(ctx context.Context, id string, cursor *time.Time, r SyncResult, syncErr error) {
	_, err := s.d.Store.UpdateConnection(ctx, id, func(c *model.Connection) (bool, error) {
		now := s.now()
		if cursor != nil && cursor.After(c.SyncCursor) {
			c.SyncCursor = *cursor
		}
		c.LastSyncAt, c.UpdatedAt, c.SyncStartedAt = &now, now, nil
		c.LastSyncError = ""
		if syncErr != nil {
			c.LastSyncError = syncErr.Error()
		}
		c.OrdersSynced += int64(r.Stored)
		return true, nil
	})
	if err != nil {
		s.d.Log.Error("record a tiktok sync", "connection", id, "err", err)
	}
}

// storeOutcome is what storePulled stored of a pull.
type storeOutcome struct {
	stored, refused int
	err             error
}

// storePulled stores each chunk of pulled orders, in order, until chunks is closed. After a
// failure it stores nothing more, stops the fetch and drains the chunks left.
func (s *Service) storePulled(ctx context.Context, c model.Connection, chunks <-chan []tiktok.Order, stopFetch func()) storeOutcome {
	var out storeOutcome
	for orders := range chunks {
		if out.err != nil {
			continue
		}
		stored, refused, err := s.store(ctx, c, orders, "pull")
		out.stored += stored
		out.refused += refused
		if err != nil {
			out.err = err
			stopFetch()
		}
	}
	return out
}

// store maps the platform's orders and upserts them into the connection's shop. An order that
// cannot be mapped or is refused is logged and counted, not retried (the next version of it
// comes by webhook or pull); a failure of the store is returned.
func (s *Service) store(ctx context.Context, c model.Connection, orders []tiktok.Order, source string) (stored, refused int, err error) {
	batch := make([]model.Order, 0, len(orders))
	for _, p := range orders {
		m, err := tiktok.ToOrder(p, c.ShopID)
		if err != nil {
			refused++
			s.m.orderRefused.Inc()
			s.d.Log.Warn("a tiktok order could not be mapped", "connection", c.ID, "order", p.ID, "err", err)
			continue
		}
		m.Order.Deadlines = m.Deadlines
		if s.d.Catalogue != nil {
			for i := range m.Order.Lines {
				s.d.Catalogue(c.ShopID, &m.Order.Lines[i])
			}
		}
		batch = append(batch, m.Order)
	}
	if len(batch) == 0 {
		return 0, refused, nil
	}
	res, err := s.d.Orders.Upsert(ctx, model.Scope{ShopIDs: []string{c.ShopID}}, batch, CauseTikTok)
	if err != nil {
		return 0, refused, err
	}
	for i, r := range res {
		switch {
		case r.Err != nil:
			if errors.Is(r.Err, model.ErrUnavailable) {
				return stored, refused, r.Err
			}
			refused++
			s.m.orderRefused.Inc()
			s.d.Log.Warn("a tiktok order was refused", "connection", c.ID, "order", batch[i].ExternalID, "err", r.Err)
		case r.Outcome == model.OutcomeCreated || r.Outcome == model.OutcomeUpdated:
			stored++
		}
	}
	s.m.ordersSynced.WithLabelValues(source).Add(float64(stored))
	s.recordCancelRequests(ctx, c, orders) // R-ORD-4: the clock's start and answer
	return stored, refused, nil
}

func (s *Service) runFetchOrder(ctx context.Context, raw json.RawMessage) error {
	var a FetchArgs
	if err := json.Unmarshal(raw, &a); err != nil {
		return fmt.Errorf("tiktok.fetch_order args: %w", err)
	}
	return s.FetchOrders(ctx, a.TikTokShopID, a.OrderIDs)
}

// FetchOrders fetches orders of the platform shop tiktokShopID by id (at most 50 a call) and
// stores them: what a webhook's job does.
func (s *Service) FetchOrders(ctx context.Context, tiktokShopID string, ids []string) error {
	c, err := s.d.Store.GetConnectionByExternal(ctx, model.PlatformTikTok, tiktokShopID)
	if errors.Is(err, model.ErrNotFound) {
		s.d.Log.Warn("tiktok orders of a shop that is not connected; ignored", "tiktok_shop", tiktokShopID, "orders", ids)
		return nil
	}
	if err != nil {
		return err
	}
	if c.Status != model.ConnectionConnected {
		return nil
	}
	sc, err := s.shopClient(c)
	if err != nil {
		s.setStatus(ctx, c.ID, model.ConnectionNeedsReauth, err.Error())
		return nil
	}
	for len(ids) > 0 {
		n := min(len(ids), tiktok.MaxOrderIDs)
		orders, err := sc.GetOrders(ctx, ids[:n])
		if err != nil {
			if s.markReauth(ctx, c.ID, err) {
				return nil
			}
			return fmt.Errorf("fetch tiktok orders %v: %w", ids[:n], err)
		}
		stored, _, err := s.store(ctx, c, orders, "webhook")
		if err != nil {
			return err
		}
		if stored > 0 {
			if _, err := s.d.Store.UpdateConnection(ctx, c.ID, func(c *model.Connection) (bool, error) {
				c.OrdersSynced += int64(stored)
				return true, nil
			}); err != nil {
				return err
			}
		}
		ids = ids[n:]
	}
	return nil
}
