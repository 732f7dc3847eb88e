package tiktokshop

import (
	"context"
	"errors"
	"testing"

	"lastmile/internal/marketplace/tiktok/sim"
	"lastmile/internal/model"
	"lastmile/internal/store/storetest"
)

// FuzzReceive: whatever the body, Receive never panics; a body signed right is acknowledged
// (no error), and the same body with a wrong signature is ErrUnauthorized.
func FuzzReceive(f *testing.F) {
	f.Add([]byte(`{"type":1,"tts_notification_id":"1","shop_id":"7495540735365770001","timestamp":1,"data":{"order_id":"5","update_time":1}}`))
	f.Add([]byte(`{"type":4,"shop_id":"7495540735365770001","data":{"package_list":[{"package_id":"p","order_id_list":["1","2","1"]}]}}`))
	f.Add([]byte(`{"type":12,"shop_id":"x","data":{"return_id":"r"}}`))
	f.Add([]byte(`{"type":7,"shop_id":"7495540735365770001","data":{"expiration_time":-5}}`))
	f.Add([]byte(`{"type":"1"}`))
	f.Add([]byte(`[]`))
	e := newEnv(f, storetest.OpenSQLite(f), sim.Options{WebhookURL: noWebhooks})
	e.connect("shop_us", "")
	key, secret := e.sim.AppKey(), e.sim.AppSecret()
	f.Fuzz(func(t *testing.T, body []byte) {
		ctx := context.Background()
		if _, err := e.svc.Receive(ctx, sign(key, secret, body), body); err != nil {
			t.Fatalf("a body signed right was refused: %v", err)
		}
		if _, err := e.svc.Receive(ctx, sign(key, secret+"x", body), body); !errors.Is(err, model.ErrUnauthorized) {
			t.Fatalf("a wrong signature: %v", err)
		}
	})
}
