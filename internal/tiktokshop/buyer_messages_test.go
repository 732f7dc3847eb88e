package tiktokshop

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/marketplace/tiktok/sim"
	"lastmile/internal/model"
	"lastmile/internal/notify"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// A buyer message of a TikTok order goes through notify's marketplace channel to the buyer's
// TikTok conversation: logged sent, and sent once though its job runs again. The order of a
// shop without a TikTok connection fails the message with the reason.
func TestBuyerMessagesThroughTikTok(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st, sim.Options{WebhookURL: noWebhooks})
		c := e.connect("shop_us", "")
		if _, err := e.sim.CreateOrders(simUS, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Sync(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		list, err := st.ListOrders(ctx, store.OrderQuery{ShopIDs: []string{"shop_us"}, Limit: 10})
		if err != nil || len(list) != 1 {
			t.Fatalf("orders %d, %v: want the synced one", len(list), err)
		}
		o := list[0]
		now := time.Date(2026, 11, 20, 23, 30, 0, 0, time.UTC) // 15:30 in Los Angeles
		ns, err := notify.NewService(notify.Deps{Store: st, Channels: []notify.Channel{notify.MarketplaceChannel{Messenger: e.svc}},
			Markets: config.DefaultMarkets(), Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		shipped := func(id string, o model.Order) model.BuyerMessage {
			t.Helper()
			data, _ := json.Marshal(map[string]string{"status": "in_transit", "carrier": "usps", "tracking_number": "9400100000000000000000"})
			if _, err := ns.Messages(ctx, id, model.NotifyEvent{Type: model.EventTrackingUpdated, ShopID: o.ShopID, OrderID: o.ID, ID: "shp_1", Data: data}); err != nil {
				t.Fatal(err)
			}
			ms, err := st.ListBuyerMessages(ctx, []string{o.ShopID}, o.ID)
			if err != nil || len(ms) != 1 {
				t.Fatalf("messages %+v, %v: want one", ms, err)
			}
			return ms[0]
		}
		m := shipped("evt_1", o)
		if m.Channel != "marketplace" || m.To != o.ExternalID || m.Status != model.BuyerMessageScheduled {
			t.Fatalf("message %+v: want a scheduled marketplace message to %s", m, o.ExternalID)
		}
		for range 2 { // the job runs twice
			if err := ns.SendMessage(ctx, notify.SendArgs{ShopID: m.ShopID, MessageID: m.ID}); err != nil {
				t.Fatal(err)
			}
		}
		got := simMessages(t, e)
		if len(got) != 1 || got[0].Text != m.Subject+"\n\n"+m.Body {
			t.Fatalf("the sim got %+v, want the message once", got)
		}
		ms, _ := st.ListBuyerMessages(ctx, []string{o.ShopID}, o.ID)
		if ms[0].Status != model.BuyerMessageSent {
			t.Fatalf("message %+v: want sent", ms[0])
		}

		// An order of shop_gb, which has no TikTok connection.
		res, err := st.UpsertOrders(ctx, "shop_gb", []model.Order{{ShopID: "shop_gb", ExternalID: "GB-1", Market: "GB", Currency: "GBP",
			Status: model.StatusAwaitingShipment, CreatedAt: now, UpdatedAt: now, Buyer: model.Buyer{Name: "Ann"}}},
			func(existing *model.Order, in model.Order) (model.Order, model.WriteOutcome, error) {
				in.ID = "ord_gb_1"
				return in, model.OutcomeCreated, nil
			})
		if err != nil || res[0].Err != nil {
			t.Fatalf("upsert: %v %+v", err, res)
		}
		gb := shipped("evt_2", res[0].Order)
		if err := ns.SendMessage(ctx, notify.SendArgs{ShopID: gb.ShopID, MessageID: gb.ID}); err != nil {
			t.Fatal(err)
		}
		ms, _ = st.ListBuyerMessages(ctx, []string{"shop_gb"}, gb.OrderID)
		if ms[0].Status != model.BuyerMessageFailed || ms[0].Error == "" {
			t.Fatalf("message %+v: want failed with the reason", ms[0])
		}
		if n := len(simMessages(t, e)); n != 1 {
			t.Fatalf("%d messages at the sim, want still 1", n)
		}
	})
}

// simMessages are the messages the sim recorded.
func simMessages(t *testing.T, e *env) []sim.SimMessage {
	t.Helper()
	res, err := http.Get(e.sim.URL() + "/sim/messages")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Messages []sim.SimMessage `json:"messages"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out.Messages
}
