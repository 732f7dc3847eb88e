package returns_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/marketplace/tiktok/sim"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/returns"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// tiktokReturns is returns.Marketplace over the TikTok Shop client: the adapter the marketplace
// integration provides, written here against the real client and the simulated platform so
// that the returns package's contract is proven end to end.
type tiktokReturns struct {
	shop *tiktok.ShopClient
}

func (m tiktokReturns) FetchReturn(ctx context.Context, _ returns.PlatformRef, returnID string) (returns.PlatformReturn, error) {
	page, err := m.shop.SearchReturns(ctx, tiktok.ReturnQuery{ReturnIDs: []string{returnID}}, tiktok.Page{})
	if err != nil {
		return returns.PlatformReturn{}, err
	}
	for _, r := range page.ReturnOrders {
		if r.ReturnID == returnID {
			return returns.PlatformReturn{ReturnID: r.ReturnID, OrderID: r.OrderID, Status: r.ReturnStatus, Type: r.ReturnType,
				Reason: r.ReturnReason, CreatedAt: time.Unix(r.CreateTime, 0).UTC()}, nil
		}
	}
	return returns.PlatformReturn{}, permanentErr{fmt.Errorf("the platform has no return %s", returnID)}
}

func (m tiktokReturns) PushDecision(ctx context.Context, _ returns.PlatformRef, returnID, key string, d returns.PlatformDecision) error {
	var err error
	switch d.Action {
	case returns.ActionApproveRefund: // R-RET-2: the buyer keeps the goods
		err = m.shop.ApproveReturnRequest(ctx, returnID, key, tiktok.ApproveReturn{Decision: tiktok.DecisionRefund, BuyerKeepItem: true})
	case returns.ActionApproveReturn:
		err = m.shop.ApproveReturnRequest(ctx, returnID, key, tiktok.ApproveReturn{Decision: tiktok.DecisionReturn})
	case returns.ActionApproveReceived:
		err = m.shop.ApproveReturnRequest(ctx, returnID, key, tiktok.ApproveReturn{Decision: tiktok.DecisionReceived})
	case returns.ActionReject:
		err = m.shop.RejectReturnRequest(ctx, returnID, key, tiktok.Reject{RejectReason: d.Reason})
	default:
		return permanentErr{fmt.Errorf("action %q", d.Action)}
	}
	var te *tiktok.Error
	if errors.As(err, &te) && te.Kind == tiktok.Refuse {
		return permanentErr{err}
	}
	return err
}

type permanentErr struct{ error }

func (permanentErr) Permanent() bool { return true }

// tiktokEnv is a lastmile env with a simulated TikTok Shop on the same clock, connected.
type tiktokEnv struct {
	*env
	tt   *sim.Sim
	shop *tiktok.ShopClient
	sim  sim.Shop
}

func newTikTokEnv(t *testing.T, st store.Store) *tiktokEnv {
	t.Helper()
	ctx := context.Background()
	te := &tiktokEnv{sim: sim.DefaultShops()[0]} // Sunrise Gadgets US, seller shipping
	var mk tiktokReturns
	te.env = newEnv(t, st, envOptions{market: &lazyMarket{m: &mk}})
	tt, err := sim.Start(ctx, sim.Options{Now: te.clock.Now, Tick: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tt.Close() })
	te.tt = tt
	client, err := tiktok.New(tiktok.Config{AppKey: tt.AppKey(), AppSecret: tt.AppSecret(), APIBase: tt.URL(), Now: te.clock.Now,
		Sleep: func(ctx context.Context, d time.Duration) error { te.clock.Add(d); return ctx.Err() }})
	if err != nil {
		t.Fatal(err)
	}
	code, err := tt.Authorize(te.sim.ID)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := client.GetToken(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	tokens := client.Tokens(tok, nil)
	shops, err := client.AuthorizedShops(ctx, tokens)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range shops {
		if s.ID == te.sim.ID {
			te.shop = client.Shop(tokens, s.Cipher)
		}
	}
	mk.shop = te.shop
	te.warehouse(t, "LAX1", 0)
	return te
}

// lazyMarket lets the env be built before the platform's client exists.
type lazyMarket struct{ m *tiktokReturns }

func (l *lazyMarket) FetchReturn(ctx context.Context, ref returns.PlatformRef, id string) (returns.PlatformReturn, error) {
	return l.m.FetchReturn(ctx, ref, id)
}

func (l *lazyMarket) PushDecision(ctx context.Context, ref returns.PlatformRef, id, key string, d returns.PlatformDecision) error {
	return l.m.PushDecision(ctx, ref, id, key, d)
}

// deliveredOrder makes an order on the platform, ships and delivers it there, and syncs it into
// lastmile as the integration would (tiktok.ToOrder).
func (te *tiktokEnv) deliveredOrder(t *testing.T, sync bool) (platformID string) {
	t.Helper()
	ctx := context.Background()
	ids, err := te.tt.CreateOrders(te.sim.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	os, err := te.shop.GetOrders(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := te.shop.ShippingProviders(ctx, os[0].DeliveryOptionID)
	if err != nil || len(ps) == 0 {
		t.Fatalf("providers: %v", err)
	}
	if err := te.shop.ShipPackage(ctx, os[0].Packages[0].ID, tiktok.ShipRequest{SelfShipment: &tiktok.SelfShipment{
		ShippingProviderID: ps[0].ID, TrackingNumber: "9400111000000000000017"}}); err != nil {
		t.Fatal(err)
	}
	te.clock.Add(sim.DefaultCollectAfter)
	te.tt.Step()
	te.clock.Add(sim.DefaultDeliverAfter)
	te.tt.Step()
	if sync {
		os, err = te.shop.GetOrders(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		m, err := tiktok.ToOrder(os[0], te.shop0())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := te.orders.Upsert(ctx, te.scope, []model.Order{m.Order}, order.CauseAPI); err != nil {
			t.Fatal(err)
		}
	}
	return ids[0]
}

func (te *tiktokEnv) shop0() string { return te.env.shop.ID }

// event is what the integration enqueues for a type 12 webhook.
func (te *tiktokEnv) event(orderID, returnID string) returns.PlatformEventArgs {
	return returns.PlatformEventArgs{ShopID: te.shop0(), Connection: te.sim.ID, ReturnID: returnID, OrderID: orderID,
		ReturnStatus: string(model.ReturnPending), ReturnType: "RETURN_AND_REFUND"}
}

// TestMarketplaceReturn: a return requested on the platform (webhook type 12) becomes a return in
// lastmile, once however often the event comes; the rules decide it; the decision is pushed
// back with one idempotency key however often its job runs, and the platform moves; the
// parcel's receipt is pushed too and completes it there.
func TestMarketplaceReturn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		te := newTikTokEnv(t, st)
		// The event of a return whose order lastmile has not synced yet is retried, not dropped.
		early := te.deliveredOrder(t, false)
		res, err := te.tt.TriggerWebhook(sim.WebhookRequest{Type: tiktok.WebhookReturnStatusChange, ShopID: te.sim.ID, OrderID: early})
		if err != nil {
			t.Fatal(err)
		}
		job, err := returns.PlatformEventJob(te.event(early, res.ReturnID))
		if err != nil || job.Kind != "returns.platform_event" {
			t.Fatalf("job %+v, %v", job, err)
		}
		if _, err := te.ret.PlatformEvent(ctx, te.event(early, res.ReturnID)); !errors.Is(err, returns.ErrOrderNotSynced) {
			t.Fatalf("an event before its order: %v, want ErrOrderNotSynced (retried)", err)
		}

		pid := te.deliveredOrder(t, true)
		res, err = te.tt.TriggerWebhook(sim.WebhookRequest{Type: tiktok.WebhookReturnStatusChange, ShopID: te.sim.ID, OrderID: pid})
		if err != nil {
			t.Fatal(err)
		}
		first, err := te.ret.PlatformEvent(ctx, te.event(pid, res.ReturnID))
		if err != nil {
			t.Fatal(err)
		}
		again, err := te.ret.PlatformEvent(ctx, te.event(pid, res.ReturnID))
		if err != nil || again.ID != first.ID || again.Version != first.Version {
			t.Fatalf("a replayed event: %+v, %v; want return %s unchanged", again, err, first.ID)
		}
		if first.ExternalID != res.ReturnID || first.Source != "tiktok" || first.Reason != returns.ReasonNotAsDescribed ||
			first.ReasonText != "Item not as described" || len(first.Lines) == 0 || first.Decision == nil || first.OrderExternalID != pid {
			t.Fatalf("the return: %+v", first)
		}
		all, _, _ := te.ret.List(ctx, te.scope, returns.ListQuery{})
		if len(all) != 1 {
			t.Fatalf("%d returns, want 1", len(all))
		}
		// The default rules ask a not-described item of this value back.
		if first.Status != model.ReturnAwaitingBuyerShip || first.Decision.Kind != model.DecideReturn {
			t.Fatalf("status %s, decision %+v", first.Status, first.Decision)
		}
		for range 2 { // the push job may run twice: one decision on the platform
			te.runJobs(t, returns.KindPush)
		}
		if st := te.tt.Stats(); st.ReturnsAnswered != 1 {
			t.Fatalf("the platform answered %d decisions, want 1", st.ReturnsAnswered)
		}
		pr, err := tiktokReturns{te.shop}.FetchReturn(ctx, returns.PlatformRef{}, res.ReturnID)
		if err != nil || pr.Status != string(model.ReturnAwaitingBuyerShip) {
			t.Fatalf("the platform's status %q, %v", pr.Status, err)
		}
		r, _ := te.ret.Get(ctx, te.scope, first.ID)
		if len(r.Pushes) != 1 || r.Pushes[0].Action != returns.ActionApproveReturn || r.Pushes[0].Error != "" {
			t.Fatalf("pushes %+v", r.Pushes)
		}
		// The platform's webhook for its new status changes nothing: lastmile is there already.
		if r2, err := te.ret.PlatformEvent(ctx, te.event(pid, res.ReturnID)); err != nil || r2.Version != r.Version {
			t.Fatalf("the platform's echo: %+v, %v", r2, err)
		}
		// The parcel arrives: received is pushed, and the platform completes the request.
		if _, err := te.ret.Receive(ctx, te.scope, r.ID, returns.ReceiveRequest{}); err != nil {
			t.Fatal(err)
		}
		te.runJobs(t, returns.KindPush)
		pr, _ = tiktokReturns{te.shop}.FetchReturn(ctx, returns.PlatformRef{}, res.ReturnID)
		if pr.Status != string(model.ReturnCompleted) {
			t.Fatalf("after the receipt the platform says %s", pr.Status)
		}
	})
}

// TestMarketplaceRefundWithoutReturn (R-RET-2): the shop's rule refunds not-as-described goods
// without return; the platform is told with buyer_keep_item and closes the request.
func TestMarketplaceRefundWithoutReturn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		te := newTikTokEnv(t, st)
		if _, err := te.ret.SetRules(ctx, te.scope, "", model.ReturnRules{Default: model.DecideReturn, AutoApply: true, Rules: []model.ReturnRule{
			{Name: "keep-it", Decision: model.DecideRefundOnly, Reasons: []string{returns.ReasonNotAsDescribed}},
		}}); err != nil {
			t.Fatal(err)
		}
		pid := te.deliveredOrder(t, true)
		res, err := te.tt.TriggerWebhook(sim.WebhookRequest{Type: tiktok.WebhookReturnStatusChange, ShopID: te.sim.ID, OrderID: pid, ReturnType: "REFUND"})
		if err != nil {
			t.Fatal(err)
		}
		r, err := te.ret.PlatformEvent(ctx, te.event(pid, res.ReturnID))
		if err != nil || r.Status != model.ReturnRefunded || r.Decision.Rule != "keep-it" || r.Type != "REFUND" {
			t.Fatalf("return %+v, %v", r, err)
		}
		te.runJobs(t, returns.KindPush)
		if pr, _ := (tiktokReturns{te.shop}).FetchReturn(ctx, returns.PlatformRef{}, res.ReturnID); pr.Status != string(model.ReturnRefunded) {
			t.Fatalf("the platform's status %s, want %s", pr.Status, model.ReturnRefunded)
		}
		// The platform's webhook for the status lastmile already has changes nothing (the one
		// change since is the push's record).
		if r2, err := te.ret.PlatformEvent(ctx, te.event(pid, res.ReturnID)); err != nil || r2.Version != r.Version+1 || r2.Status != model.ReturnRefunded {
			t.Fatalf("echo: %+v, %v", r2, err)
		}
	})
}
