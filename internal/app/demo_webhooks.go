package app

import (
	"context"
	"crypto/hmac"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/notify"
)

// demoWebhookPath is the path of the demo's webhook receiver; subscriptions to it are the demo's.
const demoWebhookPath = "/demo-webhooks"

// startDemoWebhooks shows the outbound webhooks in the demo: a receiver on loopback checks each
// delivery's signature and logs it, and every demo shop subscribes to every event type there
// (replacing the subscriptions of earlier demo runs, whose receivers are gone). A failure is
// logged and the demo goes on without it.
func (a *App) startDemoWebhooks(ctx context.Context, scope model.Scope, out io.Writer) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		a.log.Warn("demo webhooks: no receiver", "err", err)
		return
	}
	secret := notify.NewSecret()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		ts, _ := strconv.ParseInt(r.Header.Get("webhook-timestamp"), 10, 64)
		want, _ := notify.Sign(secret, r.Header.Get("webhook-id"), ts, body)
		valid := false
		for _, sig := range strings.Fields(r.Header.Get("webhook-signature")) {
			valid = valid || hmac.Equal([]byte(sig), []byte(want))
		}
		if !valid {
			http.Error(w, "bad signature", http.StatusUnauthorized)
		}
		a.log.Info("demo webhook received", "id", r.Header.Get("webhook-id"), "signature_valid", valid, "bytes", len(body))
	}), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	url := "http://" + ln.Addr().String() + demoWebhookPath
	subs, err := a.Notify.ListSubscriptions(ctx, scope)
	if err != nil {
		a.log.Warn("demo webhooks", "err", err)
		return
	}
	for _, s := range subs {
		if strings.HasPrefix(s.URL, "http://127.0.0.1:") && strings.HasSuffix(s.URL, demoWebhookPath) {
			if err := a.Notify.DeleteSubscription(ctx, scope, s.ID); err != nil {
				a.log.Warn("demo webhooks: remove an earlier run's subscription", "subscription", s.ID, "err", err)
			}
		}
	}
	for _, shop := range scope.ShopIDs {
		if _, err := a.Notify.CreateSubscription(ctx, scope, notify.SubscriptionRequest{ShopID: shop, URL: url,
			Events: []string{model.EventAll}, Secret: secret}); err != nil {
			a.log.Warn("demo webhooks: subscribe", "shop", shop, "err", err)
			return
		}
	}
	fmt.Fprintf(out, "Webhooks: the demo shops' events (labels bought or voided, returns) are delivered, signed, to %s;\n"+
		"  buy a label with POST /v1/orders/{id}/ship and see it in GET /v1/webhook-deliveries.\n", url)
}
