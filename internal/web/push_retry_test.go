package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"lastmile/internal/model"
	"lastmile/internal/tiktokshop"
)

// TestOrderPagePushRetry: the order page shows "Push to TikTok again" beside a refused push
// (the problem tiktok_push_failed from tiktok), in both languages, and not on other orders; the
// button runs the API's retry, so an order with nothing to push is refused with 409 saying
// what to do; a viewer cannot press it.
func TestOrderPagePushRetry(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, db string) {
		ctx, c, _ := newTikTokConsole(t, db)
		refused, plain := c.order("PUSH-1", false), c.order("PUSH-2", false)
		if _, err := c.app.Store.UpdateOrder(ctx, []string{c.shop}, refused.ID, func(o *model.Order) (bool, error) {
			o.Problems = append(o.Problems, model.Problem{Code: tiktokshop.ProblemPush, Field: "tracking_number", Severity: model.SeverityWarning,
				Source: tiktokshop.CauseTikTok, Message: "TikTok refused the tracking number"})
			return true, nil
		}); err != nil {
			t.Fatal(err)
		}
		b := c.browser()
		tok := b.login(ownerEmail)
		for lang, label := range map[string]string{"en": "Push to TikTok again", "zh-CN": "重新推送到 TikTok"} {
			p := b.get("/orders/" + refused.ID + "?lang=" + lang)
			if p.status != 200 || !strings.Contains(p.body, `action="/orders/`+refused.ID+`/push"`) || !strings.Contains(p.body, label) {
				t.Fatalf("order page with a refused push in %s: %d\n%.3000s", lang, p.status, p.body)
			}
		}
		if p := b.get("/orders/" + plain.ID); strings.Contains(p.body, "/push\"") {
			t.Fatalf("the push button shows on an order without a refused push:\n%.3000s", p.body)
		}
		// No labelled shipment to push: refused, saying so.
		p := b.post("/orders/"+refused.ID+"/push", url.Values{"csrf_token": {tok}})
		if p.status != http.StatusConflict || !strings.Contains(p.body, "ship the order again") {
			t.Fatalf("push of an order with no label: %d\n%.2000s", p.status, p.body)
		}
		if p := b.post("/orders/"+plain.ID+"/push", url.Values{"csrf_token": {tok}}); p.status != http.StatusConflict {
			t.Fatalf("push of an order without a refused push: %d", p.status)
		}
		v := c.browser()
		vtok := v.login(viewerEmail)
		if p := v.post("/orders/"+refused.ID+"/push", url.Values{"csrf_token": {vtok}}); p.status != http.StatusForbidden {
			t.Fatalf("a viewer's push: %d, want 403", p.status)
		}
	})
}
