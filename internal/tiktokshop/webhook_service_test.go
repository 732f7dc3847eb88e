package tiktokshop

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/marketplace/tiktok/sim"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

func sign(key, secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(key))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// The documented webhook test vector, and any type number, signed right: accepted; missing,
// wrong or for another app: ErrUnauthorized, counted.
func TestReceiveChecksTheSignatureForAnyType(t *testing.T) {
	st := storetest.OpenSQLite(t)
	client, err := tiktok.New(tiktok.Config{AppKey: "abcdef", AppSecret: "123", APIBase: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	sealer, _ := NewSealer("test token key 0123456789")
	log := slog.New(slog.DiscardHandler)
	svc, err := NewService(Deps{Store: st, Orders: order.NewService(st, config.DefaultMarkets(), time.Now, log), Client: client, Sealer: sealer, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	vector := []byte(`{"type":1,"tts_notification_id":"7380066284010030890","shop_id":"7495540735365777507","timestamp":1718305585,"data":{"is_on_hold_order":true,"order_id":"576653688135258178","order_status":"UNPAID","update_time":1718305585}}`)
	if _, err := svc.Receive(ctx, "5dec0f11ec2f6783b8deee53c9ffbf8d024302f7c7e7fa55a35d17629031ac05", vector); err != nil {
		t.Fatalf("the documented vector: %v", err)
	}
	for _, typ := range []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 36, 60, 99, -1} {
		body := []byte(fmt.Sprintf(`{"type":%d,"tts_notification_id":"n%d","shop_id":"999","timestamp":1718305585,"data":{"order_id":"1","return_id":"r"}}`, typ, typ))
		if _, err := svc.Receive(ctx, sign("abcdef", "123", body), body); err != nil {
			t.Errorf("type %d signed right: %v", typ, err)
		}
	}
	for name, auth := range map[string]string{
		"missing":   "",
		"wrong":     sign("abcdef", "124", vector),
		"other app": sign("abcdeg", "123", vector),
		"not hex":   "zz",
	} {
		if _, err := svc.Receive(ctx, auth, vector); !errors.Is(err, model.ErrUnauthorized) {
			t.Errorf("%s signature: %v, want ErrUnauthorized", name, err)
		}
	}
	tampered := append([]byte(nil), vector...)
	tampered[10] = '2'
	if _, err := svc.Receive(ctx, "5dec0f11ec2f6783b8deee53c9ffbf8d024302f7c7e7fa55a35d17629031ac05", tampered); !errors.Is(err, model.ErrUnauthorized) {
		t.Errorf("a body changed after signing: %v", err)
	}
	// A signed body that is not the envelope is acknowledged (the platform would resend it).
	junk := []byte("not json")
	if r, err := svc.Receive(ctx, sign("abcdef", "123", junk), junk); err != nil || r.Action != "ignored" {
		t.Errorf("signed junk: %+v, %v", r, err)
	}
}

func TestWebhookDeauthorizationAndExpiryWarning(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, sim.Options{})
		ctx := context.Background()
		us := e.connect("shop_us", "")
		gb := e.connect("shop_gb", "")
		send := func(body string) Receipt {
			t.Helper()
			r, err := e.svc.Receive(ctx, sign(e.sim.AppKey(), e.sim.AppSecret(), []byte(body)), []byte(body))
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		end := e.clock.Now().Add(30 * 24 * time.Hour)
		r := send(fmt.Sprintf(`{"type":7,"tts_notification_id":"1","shop_id":%q,"timestamp":1,"data":{"message":"expiring","expiration_time":%d}}`, simGB, end.Unix()))
		if r.Action != "authorization_expiring" {
			t.Fatalf("type 7: %+v", r)
		}
		got, _ := st.GetConnection(ctx, nil, gb.ID)
		if got.AuthExpiresAt == nil || !got.AuthExpiresAt.Equal(end) || got.StatusReason == "" || got.Status != model.ConnectionConnected {
			t.Fatalf("after type 7: %+v", got)
		}
		r = send(fmt.Sprintf(`{"type":6,"tts_notification_id":"2","shop_id":%q,"timestamp":1,"data":{"message":"revoked"}}`, simUS))
		if r.Action != "disconnected" {
			t.Fatalf("type 6: %+v", r)
		}
		got, _ = st.GetConnection(ctx, nil, us.ID)
		if got.Status != model.ConnectionDisconnected {
			t.Fatalf("after type 6 the status is %q", got.Status)
		}
		if _, err := e.svc.SyncNow(ctx, allShops, us.ID); err == nil {
			t.Error("a disconnected shop was synced")
		}
		// A return event goes to the returns capability as its job.
		r = send(fmt.Sprintf(`{"type":12,"tts_notification_id":"3","shop_id":%q,"timestamp":1,"data":{"order_id":"1","return_id":"r1","return_type":"REFUND","return_status":"RETURN_OR_REFUND_REQUEST_PENDING"}}`, simGB))
		if r.Action != "return_event" {
			t.Fatalf("type 12: %+v", r)
		}
	})
}
