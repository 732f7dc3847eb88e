package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"lastmile/internal/config"
	"lastmile/internal/marketplace/tiktok"
	tiktoksim "lastmile/internal/marketplace/tiktok/sim"
	"lastmile/internal/model"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
	"lastmile/internal/tiktokshop"
)

// newTikTokEnv is an API env with the TikTok integration on, against a simulated platform on
// the env's clock.
func newTikTokEnv(t *testing.T, st store.Store) (*env, *tiktoksim.Sim) {
	t.Helper()
	var sm *tiktoksim.Sim
	e := newEnvWith(t, st, config.Config{}, func(d *Deps) {
		var err error
		sm, err = tiktoksim.Start(context.Background(), tiktoksim.Options{Now: d.Now, Tick: -1})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sm.Close() })
		client, err := tiktok.New(tiktok.Config{AppKey: sm.AppKey(), AppSecret: sm.AppSecret(), APIBase: sm.URL(), Now: d.Now})
		if err != nil {
			t.Fatal(err)
		}
		sealer, _ := tiktokshop.NewSealer("api test token key 0123")
		d.TikTok, err = tiktokshop.NewService(tiktokshop.Deps{Store: st, Orders: d.Orders, Client: client, Sealer: sealer,
			Registry: d.Registry, Now: d.Now, Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
	})
	return e, sm
}

func webhookSign(key, secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(key))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// The contract: 401 for a missing or wrong Authorization signature, 2xx for a right one of any
// type number; refusals are counted.
func TestTikTokWebhookContract(t *testing.T) {
	e, sm := newTikTokEnv(t, storetest.OpenSQLite(t))
	body := []byte(`{"type":1,"tts_notification_id":"1","shop_id":"7495540735365770001","timestamp":1718305585,"data":{"order_id":"5","order_status":"UNPAID","update_time":1718305585}}`)
	if r := e.do("POST", "/webhooks/tiktok", "", body); r.status != http.StatusUnauthorized {
		t.Fatalf("no signature: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/webhooks/tiktok", "", body, "Authorization", webhookSign(sm.AppKey(), "wrong", body)); r.status != http.StatusUnauthorized {
		t.Fatalf("wrong signature: %d", r.status)
	}
	if r := e.do("POST", "/webhooks/tiktok", "", body, "Authorization", "Bearer "+webhookSign(sm.AppKey(), sm.AppSecret(), body)); r.status != http.StatusUnauthorized {
		t.Fatalf("a signature behind Bearer: %d", r.status)
	}
	for typ := 0; typ <= 70; typ++ {
		b := []byte(fmt.Sprintf(`{"type":%d,"tts_notification_id":"n%d","shop_id":"7495540735365770001","timestamp":1718305585,"data":{"order_id":"5"}}`, typ, typ))
		if r := e.do("POST", "/webhooks/tiktok", "", b, "Authorization", webhookSign(sm.AppKey(), sm.AppSecret(), b)); r.status != http.StatusOK {
			t.Fatalf("type %d signed right: %d %s", typ, r.status, r.body)
		}
	}
	m := e.do("GET", "/metrics", "", nil)
	if !strings.Contains(string(m.body), `lastmile_tiktok_webhooks_total{outcome="refused"} 3`) {
		t.Errorf("the refusals are not counted:\n%s", grepLines(string(m.body), "lastmile_tiktok_webhooks"))
	}
}

// Without a TikTok app every webhook is refused (nothing can check it) and connecting says why.
func TestTikTokOffAnswersWhy(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLite(t), config.Config{})
	if r := e.do("POST", "/webhooks/tiktok", "", `{"type":1}`, "Authorization", "00"); r.status != http.StatusUnauthorized {
		t.Fatalf("webhook without an app: %d", r.status)
	}
	_, key := e.shop("A", "US")
	r := e.do("POST", "/v1/connections/tiktok", key, map[string]any{"auth_code": "x"})
	if code, _ := r.apiErr(t); r.status != http.StatusConflict || code != "tiktok_not_configured" {
		t.Fatalf("connect without an app: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/v1/connections", key, nil); r.status != http.StatusOK || !strings.Contains(string(r.body), `"connections":[]`) {
		t.Fatalf("list without an app: %d %s", r.status, r.body)
	}
}

func TestConnectionsRoutes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		e, sm := newTikTokEnv(t, st)
		a, keyA := e.shop("Sunrise US", "US")
		_, keyB := e.shop("Other", "US")
		code, err := sm.Authorize("7495540735365770001")
		if err != nil {
			t.Fatal(err)
		}
		r := e.do("POST", "/v1/connections/tiktok", keyA, map[string]any{"auth_code": code})
		if r.status != http.StatusCreated {
			t.Fatalf("connect: %d %s", r.status, r.body)
		}
		if strings.Contains(string(r.body), "TTP_") || strings.Contains(string(r.body), "sealed") {
			t.Fatalf("the connection's JSON shows tokens: %s", r.body)
		}
		var c struct {
			ID, ShopID, ExternalShopID, Status string
		}
		var raw map[string]any
		r.decode(t, &raw)
		c.ID, c.ShopID, c.ExternalShopID, c.Status = raw["id"].(string), raw["shop_id"].(string), raw["external_shop_id"].(string), raw["status"].(string)
		if c.ShopID != a.ID || c.ExternalShopID != "7495540735365770001" || c.Status != "connected" {
			t.Fatalf("connection %s", r.body)
		}
		if r := e.do("GET", "/v1/connections", keyA, nil); r.status != 200 || !strings.Contains(string(r.body), c.ID) {
			t.Fatalf("list: %d %s", r.status, r.body)
		}
		if r := e.do("GET", "/v1/connections/"+c.ID, keyA, nil); r.status != 200 {
			t.Fatalf("get: %d %s", r.status, r.body)
		}
		if r := e.do("POST", "/v1/connections/"+c.ID+"/sync", keyA, nil); r.status != http.StatusAccepted {
			t.Fatalf("sync: %d %s", r.status, r.body)
		}
		// Shop B's key sees none of it.
		if r := e.do("GET", "/v1/connections", keyB, nil); r.status != 200 || strings.Contains(string(r.body), c.ID) {
			t.Fatalf("B's list: %d %s", r.status, r.body)
		}
		for _, p := range []struct{ method, path string }{{"GET", "/v1/connections/" + c.ID}, {"POST", "/v1/connections/" + c.ID + "/sync"}} {
			if r := e.do(p.method, p.path, keyB, nil); r.status != http.StatusNotFound {
				t.Errorf("%s %s with B's key: %d, want 404", p.method, p.path, r.status)
			}
		}
		// A bad code names the field.
		r = e.do("POST", "/v1/connections/tiktok", keyA, map[string]any{"auth_code": "sim_ac_nope"})
		if _, field := r.apiErr(t); r.status != http.StatusUnprocessableEntity && r.status != http.StatusBadRequest || !strings.Contains(field, "auth_code") {
			t.Fatalf("bad code: %d %s", r.status, r.body)
		}
	})
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// connectionIsolationProbes: shop B's key finds nothing of shop A's connection.
func connectionIsolationProbes(t *testing.T, e *env, shopA, keyB string) map[string]func() response {
	c := model.Connection{ID: "con_iso", ShopID: shopA, Platform: model.PlatformTikTok, AppKey: "k", ExternalShopID: "iso-7001",
		ShopCipher: "ROW_iso", Status: model.ConnectionConnected, SealedTokens: []byte{1}, CreatedAt: e.clock.now(), UpdatedAt: e.clock.now()}
	if _, err := e.store.PutConnection(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return map[string]func() response{
		"POST /v1/connections/tiktok": func() response {
			return e.do("POST", "/v1/connections/tiktok", keyB, map[string]any{"auth_code": "x", "shop_id": shopA})
		},
		"GET /v1/connections": func() response {
			r := e.do("GET", "/v1/connections", keyB, nil)
			if r.status != http.StatusOK || strings.Contains(string(r.body), c.ID) {
				t.Fatalf("shop B lists shop A's connection: %d %s", r.status, r.body)
			}
			return response{status: http.StatusNotFound} // absent, as required
		},
		"GET /v1/connections/{id}": func() response { return e.do("GET", "/v1/connections/"+c.ID, keyB, nil) },
		"GET /v1/cancellations": func() response {
			r := e.do("GET", "/v1/cancellations", keyB, nil)
			if r.status != http.StatusOK || strings.Contains(string(r.body), c.ID) {
				t.Fatalf("shop B lists shop A's cancellations: %d %s", r.status, r.body)
			}
			return response{status: http.StatusNotFound} // absent, as required
		},
		"POST /v1/cancellations/{id}/approve": func() response {
			return e.do("POST", "/v1/cancellations/"+c.ID+":5800001/approve", keyB, nil)
		},
		"POST /v1/cancellations/{id}/reject": func() response {
			return e.do("POST", "/v1/cancellations/"+c.ID+":5800001/reject", keyB, `{"reason":"no"}`)
		},
		"POST /v1/connections/{id}/sync": func() response { return e.do("POST", "/v1/connections/"+c.ID+"/sync", keyB, nil) },
	}
}
