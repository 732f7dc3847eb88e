package tiktok_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/marketplace/tiktok/sim"
)

// simMessages are the messages the sim recorded (GET /sim/messages).
func simMessages(t *testing.T, s *sim.Sim) []sim.SimMessage {
	t.Helper()
	res, err := http.Get(s.URL() + "/sim/messages")
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

// A buyer message reaches the buyer of the order through the Customer Service API: one
// conversation per buyer, the text as sent; the same text sent again (a retry after a lost
// answer) is not sent twice, another text is; an order the shop does not have is refused.
func TestSendBuyerMessage(t *testing.T) {
	e := newEnv(t, sim.Options{}, tiktok.Config{})
	sc, _ := e.connect(shopUS)
	ids := e.createOrders(shopUS, 1)
	buyer := getOrder(t, sc, ids[0]).UserID
	ctx := context.Background()
	text := "Your order has shipped\n\nHi, your parcel is on its way: 9400 1000 0000 0000 0000 00 (usps). Thank you — ありがとう."
	for range 2 {
		if err := sc.SendBuyerMessage(ctx, ids[0], text); err != nil {
			t.Fatal(err)
		}
	}
	if err := sc.SendBuyerMessage(ctx, ids[0], "Delivered"); err != nil {
		t.Fatal(err)
	}
	got := simMessages(t, e.sim)
	if len(got) != 2 || got[0].Text != text || got[1].Text != "Delivered" {
		t.Fatalf("the sim got %+v, want the text once, then Delivered", got)
	}
	if got[0].BuyerUserID != buyer || got[0].ConversationID != got[1].ConversationID {
		t.Fatalf("messages %+v: want one conversation with buyer %s", got, buyer)
	}
	kindIs(t, sc.SendBuyerMessage(ctx, "576000000000000001", "hello"), tiktok.Refuse)
	kindIs(t, sc.SendBuyerMessage(ctx, ids[0], ""), tiktok.Refuse)
	if n := len(simMessages(t, e.sim)); n != 2 {
		t.Fatalf("%d messages after two refused sends, want 2", n)
	}
}
