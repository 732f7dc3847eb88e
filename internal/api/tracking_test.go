package api

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/carrier/sim"
	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/store"
	"lastmile/internal/tracker"
	"lastmile/internal/tracking"
)

const testWebhookSecret = "webhook-secret-of-the-test-account"

func newTracker(t testing.TB, st store.Store, cfg config.Config, now func() time.Time) *tracker.Service {
	t.Helper()
	codes, err := tracking.DefaultCodes()
	if err != nil {
		t.Fatal(err)
	}
	svc := tracker.New(st, codes, cfg.Markets, now, slog.New(slog.DiscardHandler))
	for _, c := range sim.Codes() {
		svc.SetWebhook(c, simReceiver{secret: testWebhookSecret})
	}
	return svc
}

// simReceiver verifies and reads a simulated carrier's webhook.
type simReceiver struct{ secret string }

func (w simReceiver) Verify(header func(string) string, body []byte, now time.Time) error {
	return sim.VerifyWebhook(w.secret, header(sim.SignatureHeader), body, now, 0)
}

func (w simReceiver) Parse(body []byte) ([]carrier.Tracking, error) {
	b, err := sim.ParseWebhook(body)
	return b.Tracking, err
}

// shippedOrder ships a confirmed order in the key's shop and returns it with its shipment.
func (e *env) shippedOrder(t *testing.T, key, ext string) (model.Order, model.Shipment) {
	t.Helper()
	o := e.readyToShip(t, key, ext, "TRK"+strings.ToUpper(ext))
	r := e.do("POST", "/v1/orders/"+o.ID+"/ship", key, nil)
	var res struct{ Shipments []model.Shipment }
	r.decode(t, &res)
	if r.status != http.StatusOK || len(res.Shipments) == 0 {
		t.Fatalf("ship %s: %d %s", ext, r.status, r.body)
	}
	return o, res.Shipments[0]
}

// codeOf is a raw code of carrierCode's table with status st.
func codeOf(t *testing.T, carrierCode string, st tracking.Status) string {
	t.Helper()
	codes, _ := tracking.DefaultCodes()
	best := ""
	for code, m := range codes.Table(carrierCode) {
		if m.Status == st && m.Milestones&^(tracking.Of(tracking.MilestoneOutForDelivery, tracking.MilestoneDelivered)) == 0 && (best == "" || code < best) {
			best = code
		}
	}
	if best == "" {
		t.Fatalf("carrier %s has no code of status %s", carrierCode, st)
	}
	return best
}

func TestTrackingEventsAPIContract(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("Track", "US")
		o, sh := e.shippedOrder(t, key, "trk1")
		scan, done := codeOf(t, sh.Carrier, tracking.StatusInTransit), codeOf(t, sh.Carrier, tracking.StatusDelivered)
		at := e.clock.now().Add(time.Hour).UTC()
		ev := func(code string, when time.Time) map[string]any {
			return map[string]any{"tracking_number": sh.TrackingNumber, "carrier": sh.Carrier, "code": code, "description": "scan",
				"occurred_at": when.Format(time.RFC3339), "location": map[string]any{"city": "Reno", "country": "US"}}
		}
		e.clock.advance(3 * time.Hour)
		body := map[string]any{"events": []any{
			ev(scan, at), ev(scan, at), map[string]any{"tracking_number": sh.TrackingNumber, "carrier": sh.Carrier, "code": ""},
			map[string]any{"tracking_number": "NOPE123", "carrier": sh.Carrier, "code": scan, "occurred_at": at.Format(time.RFC3339)},
			nil,
		}}
		r := e.do("POST", "/v1/tracking-events:batch", key, body)
		var res struct{ Results []trackingResult }
		r.decode(t, &res)
		if r.status != http.StatusOK || len(res.Results) != 5 {
			t.Fatalf("batch: %d %s", r.status, r.body)
		}
		want := []string{"created", "duplicate", "", "no_shipment", ""}
		for i, it := range res.Results {
			if it.Index != i || it.Outcome != want[i] {
				t.Errorf("result %d: %+v, want outcome %q", i, it, want[i])
			}
		}
		if res.Results[0].Status != tracking.StatusInTransit || res.Results[0].ShipmentID != sh.ID {
			t.Errorf("result 0: %+v", res.Results[0])
		}
		if e := res.Results[2].Error; e == nil || e.Field != "code" {
			t.Errorf("result 2 error: %+v", e)
		}
		var got model.Order
		e.do("GET", "/v1/orders/"+o.ID, key, nil).decode(t, &got)
		if got.Status != model.StatusInTransit {
			t.Errorf("order status %s after the first scan, want IN_TRANSIT", got.Status)
		}

		// GET /v1/shipments/{id}/tracking.
		e.clock.advance(48 * time.Hour)
		e.do("POST", "/v1/tracking-events:batch", key, map[string]any{"events": []any{ev(done, at.Add(40*time.Hour))}})
		r = e.do("GET", "/v1/shipments/"+sh.ID+"/tracking", key, nil)
		var tr struct {
			Status string
			Events []struct {
				Status, Reason string
				RawCode        string    `json:"raw_code"`
				OccurredAt     time.Time `json:"occurred_at"`
			}
			Milestones        map[string]time.Time
			EstimatedDelivery map[string]any `json:"estimated_delivery"`
		}
		r.decode(t, &tr)
		if r.status != http.StatusOK || tr.Status != "delivered" || len(tr.Events) != 2 || tr.Events[0].RawCode != scan ||
			tr.Milestones["delivered"].IsZero() || tr.EstimatedDelivery["basis"] == "" {
			t.Errorf("tracking: %d %s", r.status, r.body)
		}
		e.do("GET", "/v1/orders/"+o.ID, key, nil).decode(t, &got)
		if got.Status != model.StatusDelivered {
			t.Errorf("order status %s after delivery", got.Status)
		}

		// GET /v1/orders/{id}/deadlines.
		r = e.do("GET", "/v1/orders/"+o.ID+"/deadlines", key, nil)
		var dl struct {
			Deadlines []struct {
				Rule, Name, State string
				DueAt             time.Time `json:"due_at"`
			}
		}
		r.decode(t, &dl)
		rules := map[string]string{}
		for _, d := range dl.Deadlines {
			if d.Name == "" || d.DueAt.IsZero() {
				t.Errorf("deadline %+v", d)
			}
			switch d.State {
			case "pending", "at_risk", "met", "breached":
			default:
				t.Errorf("state %q", d.State)
			}
			rules[d.Rule] = d.State
		}
		for _, rule := range []string{"R-ORD-3", "R-ORD-5", "R-SHIP-1", "R-TRK-1"} {
			if rules[rule] == "" {
				t.Errorf("no %s deadline in %s", rule, r.body)
			}
		}
		if rules["R-SHIP-1"] != "met" {
			t.Errorf("R-SHIP-1 %s, want met", rules["R-SHIP-1"])
		}

		// Scores, alerts and exceptions answer; bad parameters are 422 naming the field.
		if r := e.do("GET", "/v1/scores?period=2026-W47&group_by=carrier", key, nil); r.status != http.StatusOK || !strings.Contains(string(r.body), `"rows"`) {
			t.Errorf("scores: %d %s", r.status, r.body)
		}
		if r := e.do("GET", "/v1/scores?period=2026-W99", key, nil); r.status != http.StatusUnprocessableEntity {
			t.Errorf("bad period: %d", r.status)
		} else if _, f := r.apiErr(t); f != "period" {
			t.Errorf("bad period field %q", f)
		}
		if r := e.do("GET", "/v1/scores?group_by=planet", key, nil); r.status != http.StatusUnprocessableEntity {
			t.Errorf("bad group_by: %d", r.status)
		}
		if r := e.do("GET", "/v1/alerts?kind=at_risk", key, nil); r.status != http.StatusOK {
			t.Errorf("alerts: %d %s", r.status, r.body)
		}
		if r := e.do("GET", "/v1/exceptions?type=volcano", key, nil); r.status != http.StatusUnprocessableEntity {
			t.Errorf("bad type: %d", r.status)
		}
	})
}

func TestExceptionsQueueAPI(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("Exc", "US")
		_, sh := e.shippedOrder(t, key, "exc1")
		lost := codeOf(t, sh.Carrier, tracking.StatusException)
		at := e.clock.now().Add(time.Hour).UTC()
		e.clock.advance(2 * time.Hour)
		e.do("POST", "/v1/tracking-events:batch", key, map[string]any{"events": []any{map[string]any{
			"tracking_number": sh.TrackingNumber, "carrier": sh.Carrier, "code": lost, "occurred_at": at.Format(time.RFC3339)}}})
		r := e.do("GET", "/v1/exceptions?carrier="+sh.Carrier, key, nil)
		var l struct{ Exceptions []tracker.ExceptionView }
		r.decode(t, &l)
		if r.status != http.StatusOK || len(l.Exceptions) != 1 || l.Exceptions[0].SuggestedAction == "" || l.Exceptions[0].AgeHours <= 0 {
			t.Fatalf("exceptions: %d %s", r.status, r.body)
		}
		x := l.Exceptions[0]
		if r := e.do("POST", "/v1/exceptions/"+x.ID+"/resolve", key, `{"note":""}`); r.status != http.StatusUnprocessableEntity {
			t.Errorf("empty note: %d", r.status)
		}
		r = e.do("POST", "/v1/exceptions/"+x.ID+"/resolve", key, `{"note":"claim filed"}`)
		var got tracker.ExceptionView
		r.decode(t, &got)
		if r.status != http.StatusOK || got.Note != "claim filed" || got.ResolvedAt == nil {
			t.Errorf("resolve: %d %s", r.status, r.body)
		}
		if r := e.do("GET", "/v1/exceptions?open=true", key, nil); strings.Contains(string(r.body), x.ID) {
			t.Errorf("a resolved exception is still open: %s", r.body)
		}
	})
}

func TestCarrierWebhookRefusesForgedAndReplayed(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("Hook", "US")
		_, sh := e.shippedOrder(t, key, "hook1")
		scan := codeOf(t, sh.Carrier, tracking.StatusInTransit)
		now := e.clock.now()
		body := []byte(fmt.Sprintf(`{"carrier":%q,"delivery_id":"d1","sent_at":%q,"tracking":[{"tracking_number":%q,"events":[{"code":%q,"occurred_at":%q}]}]}`,
			sh.Carrier, now.Format(time.RFC3339), sh.TrackingNumber, scan, now.Add(-time.Minute).Format(time.RFC3339)))
		post := func(sig string, b []byte) response {
			return e.do("POST", "/webhooks/carriers/"+sh.Carrier, "", string(b), sim.SignatureHeader, sig)
		}
		cases := []struct {
			name string
			sig  string
			body []byte
		}{
			{"no signature", "", body},
			{"wrong secret", sim.SignWebhook("another-secret-of-16-chars", now, body), body},
			{"altered body", sim.SignWebhook(testWebhookSecret, now, body), bytes.Replace(body, []byte(`"d1"`), []byte(`"d2"`), 1)},
			{"replayed an hour later", sim.SignWebhook(testWebhookSecret, now.Add(-time.Hour), body), body},
		}
		for _, c := range cases {
			if r := post(c.sig, c.body); r.status != http.StatusUnauthorized {
				t.Errorf("%s: %d %s, want 401", c.name, r.status, r.body)
			}
		}
		if st, events, _ := e.store.GetTracking(context.Background(), []string{sh.ShopID}, sh.ID); len(events) != 0 || st.Status != "" {
			t.Fatalf("a refused delivery stored events: %+v", events)
		}
		r := post(sim.SignWebhook(testWebhookSecret, now, body), body)
		if r.status != http.StatusOK || !strings.Contains(string(r.body), `"created":1`) {
			t.Fatalf("signed delivery: %d %s", r.status, r.body)
		}
		// The same delivery again inside its window (a replay, re-signed or not) is refused with
		// 409, stores nothing and is counted; past the memory it meets the signature's window.
		for i, sig := range []string{sim.SignWebhook(testWebhookSecret, now, body), sim.SignWebhook(testWebhookSecret, now.Add(4*time.Minute), body)} {
			e.clock.advance(time.Duration(i*4) * time.Minute)
			if r := post(sig, body); r.status != http.StatusConflict || !strings.Contains(string(r.body), "webhook_replay") {
				t.Errorf("replay %d inside the window: %d %s, want 409 webhook_replay", i, r.status, r.body)
			}
		}
		if n := e.tracker.Metrics.WebhookReplays.Load(); n != 2 {
			t.Errorf("replays counted: %d, want 2", n)
		}
		if n := e.tracker.Metrics.EventsDuplicate.Load(); n != 0 {
			t.Errorf("a refused replay reached the ingest: %d duplicates", n)
		}
		e.clock.advance(tracker.DeliveryMemory + time.Minute - 4*time.Minute)
		if r := post(sim.SignWebhook(testWebhookSecret, now, body), body); r.status != http.StatusUnauthorized {
			t.Errorf("replay after the window: %d %s, want 401", r.status, r.body)
		}
		// Another delivery of the same events is taken, and changes nothing.
		other := bytes.Replace(body, []byte(`"d1"`), []byte(`"d2"`), 1)
		if r := post(sim.SignWebhook(testWebhookSecret, e.clock.now(), other), other); r.status != http.StatusOK || !strings.Contains(string(r.body), `"duplicates":1`) {
			t.Errorf("a new delivery of the same event: %d %s, want 200 and a duplicate", r.status, r.body)
		}
	})
}

// trackingIsolationProbes makes a shipped order of shop A with an exception and probes every
// tracking route with shop B's key: all 404 (or empty).
func trackingIsolationProbes(t *testing.T, e *env, keyA, keyB string) map[string]func() response {
	o, sh := e.shippedOrder(t, keyA, "isotrk")
	lost := codeOf(t, sh.Carrier, tracking.StatusException)
	at := e.clock.now().UTC()
	ev := map[string]any{"events": []any{map[string]any{"tracking_number": sh.TrackingNumber, "carrier": sh.Carrier, "code": lost,
		"occurred_at": at.Format(time.RFC3339)}}}
	if r := e.do("POST", "/v1/tracking-events:batch", keyA, ev); r.status != http.StatusOK {
		t.Fatalf("events in shop A: %d %s", r.status, r.body)
	}
	var l struct{ Exceptions []tracker.ExceptionView }
	e.do("GET", "/v1/exceptions", keyA, nil).decode(t, &l)
	if len(l.Exceptions) == 0 {
		t.Fatal("no exception in shop A")
	}
	x := l.Exceptions[0]
	get := func(path string) func() response { return func() response { return e.do("GET", path, keyB, nil) } }
	absent := func(path, id string) func() response {
		return func() response {
			r := e.do("GET", path, keyB, nil)
			if r.status != http.StatusOK || strings.Contains(string(r.body), id) {
				t.Fatalf("shop B sees shop A's data at %s: %d %s", path, r.status, r.body)
			}
			return response{status: http.StatusNotFound}
		}
	}
	return map[string]func() response{
		"POST /v1/tracking-events:batch": func() response {
			var res struct{ Results []trackingResult }
			r := e.do("POST", "/v1/tracking-events:batch", keyB, ev)
			r.decode(t, &res)
			if len(res.Results) != 1 || res.Results[0].Outcome != "no_shipment" {
				t.Fatalf("shop B's events reached shop A's parcel: %s", r.body)
			}
			return response{status: http.StatusNotFound}
		},
		"GET /v1/shipments/{id}/tracking":  get("/v1/shipments/" + sh.ID + "/tracking"),
		"GET /v1/orders/{id}/deadlines":    get("/v1/orders/" + o.ID + "/deadlines"),
		"GET /v1/exceptions":               absent("/v1/exceptions", x.ID),
		"POST /v1/exceptions/{id}/resolve": func() response { return e.do("POST", "/v1/exceptions/"+x.ID+"/resolve", keyB, `{"note":"x"}`) },
		"GET /v1/alerts":                   absent("/v1/alerts?order_id="+o.ID, o.ID),
		"GET /v1/scores": func() response {
			r := e.do("GET", "/v1/scores?group_by=shop", keyB, nil)
			if r.status != http.StatusOK || strings.Contains(string(r.body), o.ShopID) {
				t.Fatalf("shop B's scores show shop A: %d %s", r.status, r.body)
			}
			return response{status: http.StatusNotFound}
		},
	}
}
