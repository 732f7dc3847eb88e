package order_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// fakeClock is a settable clock for the service.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// clockStart has nanoseconds and a zone, so the service must bring it to UTC microseconds.
var clockStart = time.Date(2026, 11, 21, 17, 0, 0, 123456789, time.FixedZone("ICT", 7*3600))

// newService returns a Service over a fresh SQLite store holding the given shops.
func newService(t *testing.T, shops ...string) (*order.Service, store.Store, *fakeClock) {
	t.Helper()
	ctx := context.Background()
	st := storetest.OpenSQLite(t)
	for _, id := range shops {
		sh := model.Shop{ID: id, Name: "Shop " + id, Market: "US", TimeZone: "America/Los_Angeles", CreatedAt: contractCreated}
		if err := st.CreateShop(ctx, sh); err != nil {
			t.Fatalf("create shop %s: %v", id, err)
		}
	}
	clock := &fakeClock{t: clockStart}
	return order.NewService(st, config.DefaultMarkets(), clock.Now, slog.New(slog.DiscardHandler)), st, clock
}

func scopeOf(shops ...string) model.Scope { return model.Scope{KeyID: "key_test", ShopIDs: shops} }

// svcOrder is the contract example with external id ext and shop shop ("" to leave it unset).
func svcOrder(shop, ext string) model.Order {
	o := contractOrder()
	o.ShopID, o.ExternalID = shop, ext
	return o
}

// upsertOK upserts one order and fails the test unless it was stored.
func upsertOK(t *testing.T, svc *order.Service, scope model.Scope, o model.Order) order.Result {
	t.Helper()
	res, err := svc.Upsert(context.Background(), scope, []model.Order{o}, order.CauseAPI)
	if err != nil {
		t.Fatalf("Upsert: %v", err)
	}
	if len(res) != 1 {
		t.Fatalf("Upsert returned %d results for 1 order", len(res))
	}
	if res[0].Err != nil {
		t.Fatalf("Upsert %s: %v", o.ExternalID, res[0].Err)
	}
	return res[0]
}

func fieldsOf(err error) []string {
	var ve *model.ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	var out []string
	for _, p := range ve.Problems {
		out = append(out, p.Code+" "+p.Field)
	}
	return out
}

func TestServiceUpsertSingleShopScopeFillsShopID(t *testing.T) {
	t.Parallel()
	svc, _, _ := newService(t, "shop_a")
	ctx := context.Background()
	r := upsertOK(t, svc, scopeOf("shop_a"), svcOrder("", "EXT-1"))
	if r.Outcome != model.OutcomeCreated {
		t.Errorf("outcome = %q, want created", r.Outcome)
	}
	if r.Order.ShopID != "shop_a" {
		t.Errorf("ShopID = %q, want shop_a", r.Order.ShopID)
	}
	if !strings.HasPrefix(r.Order.ID, "ord_") {
		t.Errorf("ID = %q, want an ord_ id", r.Order.ID)
	}
	wantNow := time.Date(2026, 11, 21, 10, 0, 0, 123456000, time.UTC) // clockStart in UTC, µs
	if !r.Order.ReceivedAt.Equal(wantNow) || r.Order.ReceivedAt.Location() != time.UTC {
		t.Errorf("ReceivedAt = %v, want %v (UTC, microseconds)", r.Order.ReceivedAt, wantNow)
	}
	got, err := svc.Get(ctx, scopeOf("shop_a"), r.Order.ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if got.ShopID != "shop_a" || got.ExternalID != "EXT-1" || got.Status != awaitShip || got.Version != 1 {
		t.Errorf("stored order = %+v", got)
	}
	if !got.ReceivedAt.Equal(wantNow) || !got.ModifiedAt.Equal(wantNow) {
		t.Errorf("stored ReceivedAt, ModifiedAt = %v, %v; want %v", got.ReceivedAt, got.ModifiedAt, wantNow)
	}
	wantHistory := []model.Event{{At: wantNow, Kind: "created", To: awaitShip, Cause: order.CauseAPI}}
	if len(got.History) != 1 || !got.History[0].At.Equal(wantNow) || got.History[0].Kind != "created" ||
		got.History[0].To != awaitShip || got.History[0].Cause != order.CauseAPI {
		t.Errorf("History = %+v, want %+v", got.History, wantHistory)
	}
}

func TestServiceUpsertOperatorScopeNeedsShopID(t *testing.T) {
	t.Parallel()
	svc, _, _ := newService(t, "shop_a", "shop_b")
	ctx := context.Background()
	res, err := svc.Upsert(ctx, scopeOf("shop_a", "shop_b"), []model.Order{svcOrder("", "EXT-1")}, order.CauseAPI)
	if err != nil {
		t.Fatalf("Upsert: %v", err)
	}
	var ve *model.ValidationError
	if !errors.As(res[0].Err, &ve) {
		t.Fatalf("err = %v, want a *model.ValidationError", res[0].Err)
	}
	if !errors.Is(res[0].Err, model.ErrInvalid) {
		t.Errorf("err does not unwrap to ErrInvalid")
	}
	if f := fieldsOf(res[0].Err); !slices.Equal(f, []string{"missing_field shop_id"}) {
		t.Errorf("problems = %v, want [missing_field shop_id]", f)
	}
	page, _, err := svc.List(ctx, scopeOf("shop_a", "shop_b"), order.ListQuery{})
	if err != nil || len(page) != 0 {
		t.Errorf("List = %d orders, %v; want none stored", len(page), err)
	}

	// Naming the shop works, and the order is only in that shop.
	r := upsertOK(t, svc, scopeOf("shop_a", "shop_b"), svcOrder("shop_b", "EXT-1"))
	if r.Order.ShopID != "shop_b" {
		t.Errorf("ShopID = %q, want shop_b", r.Order.ShopID)
	}
	if _, err := svc.Get(ctx, scopeOf("shop_a"), r.Order.ID); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("Get from shop_a: err = %v, want ErrNotFound", err)
	}
}

// A key must not learn that a shop outside its scope exists: not found, never forbidden.
func TestServiceUpsertShopOutsideScope(t *testing.T) {
	t.Parallel()
	svc, _, _ := newService(t, "shop_a", "shop_c")
	ctx := context.Background()
	for _, shop := range []string{"shop_c", "shop_nonexistent"} {
		res, err := svc.Upsert(ctx, scopeOf("shop_a"), []model.Order{svcOrder(shop, "EXT-1")}, order.CauseAPI)
		if err != nil {
			t.Fatalf("Upsert: %v", err)
		}
		if !errors.Is(res[0].Err, model.ErrNotFound) {
			t.Errorf("shop %s: err = %v, want ErrNotFound", shop, res[0].Err)
		}
		if errors.Is(res[0].Err, model.ErrUnauthorized) || errors.Is(res[0].Err, model.ErrInvalid) {
			t.Errorf("shop %s: err = %v, must look exactly like an unknown shop", shop, res[0].Err)
		}
	}
	page, _, err := svc.List(ctx, scopeOf("shop_c"), order.ListQuery{})
	if err != nil || len(page) != 0 {
		t.Errorf("shop_c has %d orders (%v), want none", len(page), err)
	}
}

func TestServiceUpsertBatchWithOneInvalidOrder(t *testing.T) {
	t.Parallel()
	svc, _, _ := newService(t, "shop_a", "shop_b")
	ctx := context.Background()
	scope := scopeOf("shop_a", "shop_b")
	bad := svcOrder("shop_a", "EXT-3")
	bad.Lines[0].Quantity = 0
	batch := []model.Order{
		svcOrder("shop_a", "EXT-1"),
		svcOrder("shop_b", "EXT-2"),
		bad,
		svcOrder("shop_a", "EXT-4"),
		svcOrder("shop_b", "EXT-5"),
	}
	res, err := svc.Upsert(ctx, scope, batch, order.CauseAPI)
	if err != nil {
		t.Fatalf("Upsert: %v", err)
	}
	if len(res) != 5 {
		t.Fatalf("%d results, want 5", len(res))
	}
	want := []struct{ shop, ext string }{{"shop_a", "EXT-1"}, {"shop_b", "EXT-2"}, {}, {"shop_a", "EXT-4"}, {"shop_b", "EXT-5"}}
	for i, w := range want {
		if w.ext == "" {
			continue
		}
		r := res[i]
		if r.Err != nil || r.Outcome != model.OutcomeCreated || r.Order.ShopID != w.shop || r.Order.ExternalID != w.ext {
			t.Errorf("result %d = {%s %s %s %v}, want created %s %s", i, r.Order.ShopID, r.Order.ExternalID, r.Outcome, r.Err, w.shop, w.ext)
		}
	}
	if f := fieldsOf(res[2].Err); !slices.Equal(f, []string{"out_of_range lines[0].quantity"}) {
		t.Errorf("result 2: err = %v (problems %v), want out_of_range lines[0].quantity", res[2].Err, f)
	}
	if res[2].Outcome != "" || res[2].Order.ID != "" {
		t.Errorf("refused order has outcome %q and id %q", res[2].Outcome, res[2].Order.ID)
	}
	page, _, err := svc.List(ctx, scope, order.ListQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var exts []string
	for _, o := range page {
		exts = append(exts, o.ExternalID)
	}
	slices.Sort(exts)
	if !slices.Equal(exts, []string{"EXT-1", "EXT-2", "EXT-4", "EXT-5"}) {
		t.Errorf("stored %v, want EXT-1, EXT-2, EXT-4, EXT-5", exts)
	}
}

// contractJSON is the JSON contract's example order, with lastmile-owned fields a client has no
// business sending.
func contractJSON(ext, updatedAt, status string) string {
	return fmt.Sprintf(`{
	"id": "ord_FORGED", "external_id": %q, "market": "US", "currency": "USD", "status": %q,
	"created_at": "2026-11-20T10:00:00.123456789Z", "paid_at": "2026-11-20T18:01:00.555555555+08:00",
	"updated_at": %q,
	"buyer": {"name": "Jane Doe", "email": "jane@example.com", "phone": "+12065550100"},
	"shipping_address": {"name": "Jane Doe", "line1": "1600 Amphitheatre Pkwy", "line2": "", "city": "Mountain View",
		"region": "CA", "postal_code": "94043", "country": "US", "phone": "+16505550100"},
	"lines": [{"sku": "TSHIRT-RED-M", "name": "T-shirt red M", "quantity": 2, "unit_price": {"amount": 1299, "currency": "USD"},
		"weight_g": 180, "length_mm": 250, "width_mm": 200, "height_mm": 20, "declared_name": "Cotton T-shirt", "has_battery": false}],
	"cod": null,
	"confirmed_at": "2020-01-01T00:00:00Z", "cancel_reason": "forged", "version": 42,
	"received_at": "2020-01-01T00:00:00Z", "modified_at": "2020-01-01T00:00:00Z",
	"history": [{"at": "2020-01-01T00:00:00Z", "event": "confirmed", "cause": "forged"}]
}`, ext, status, updatedAt)
}

func decodeOrder(t *testing.T, s string) model.Order {
	t.Helper()
	var o model.Order
	if err := json.Unmarshal([]byte(s), &o); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return o
}

func TestServiceUpsertIgnoresLastmileFields(t *testing.T) {
	t.Parallel()
	svc, _, clock := newService(t, "shop_a")
	ctx := context.Background()
	scope := scopeOf("shop_a")

	first := upsertOK(t, svc, scope, decodeOrder(t, contractJSON("EXT-1", "2026-11-20T10:01:00Z", "AWAITING_SHIPMENT")))
	got, err := svc.Get(ctx, scope, first.Order.ID)
	if err != nil {
		t.Fatal(err)
	}
	check := func(when string, got model.Order, wantVersion int64, wantEvents int) {
		t.Helper()
		if got.ID == "ord_FORGED" || !strings.HasPrefix(got.ID, "ord_") {
			t.Errorf("%s: ID = %q, want one lastmile made", when, got.ID)
		}
		if got.ConfirmedAt != nil {
			t.Errorf("%s: ConfirmedAt = %v, want nil", when, got.ConfirmedAt)
		}
		if got.CancelReason != "" {
			t.Errorf("%s: CancelReason = %q, want empty", when, got.CancelReason)
		}
		if got.Version != wantVersion {
			t.Errorf("%s: Version = %d, want %d", when, got.Version, wantVersion)
		}
		if len(got.History) != wantEvents {
			t.Fatalf("%s: History = %+v, want %d events", when, got.History, wantEvents)
		}
		for _, ev := range got.History {
			if ev.Cause == "forged" {
				t.Errorf("%s: forged event %+v in history", when, ev)
			}
		}
		if got.ReceivedAt.Year() == 2020 || got.ModifiedAt.Year() == 2020 {
			t.Errorf("%s: ReceivedAt, ModifiedAt = %v, %v: taken from the input", when, got.ReceivedAt, got.ModifiedAt)
		}
	}
	check("created", got, 1, 1)
	if got.History[0].Kind != "created" {
		t.Errorf("first event = %+v, want created", got.History[0])
	}

	// A newer version with the same forged fields: the order keeps its id and its own history.
	clock.Advance(time.Minute)
	second := upsertOK(t, svc, scope, decodeOrder(t, contractJSON("EXT-1", "2026-11-20T11:00:00Z", "AWAITING_SHIPMENT")))
	if second.Outcome != model.OutcomeUpdated {
		t.Errorf("outcome = %q, want updated", second.Outcome)
	}
	got, err = svc.Get(ctx, scope, first.Order.ID)
	if err != nil {
		t.Fatalf("Get by the first id: %v", err)
	}
	check("updated", got, 2, 2)
	if second.Order.ID != first.Order.ID {
		t.Errorf("ID changed from %s to %s", first.Order.ID, second.Order.ID)
	}
}

// Times arrive with nanoseconds and offsets; the stores keep microseconds. A replay of the very
// same JSON must compare equal to what was stored.
func TestServiceReplayWithNanosecondsIsUnchanged(t *testing.T) {
	t.Parallel()
	svc, _, clock := newService(t, "shop_a")
	ctx := context.Background()
	scope := scopeOf("shop_a")
	doc := contractJSON("EXT-1", "2026-11-20T18:05:00.987654321+08:00", "AWAITING_SHIPMENT")

	first := upsertOK(t, svc, scope, decodeOrder(t, doc))
	if first.Outcome != model.OutcomeCreated {
		t.Fatalf("first outcome = %q, want created", first.Outcome)
	}
	for i := range 3 {
		clock.Advance(time.Second)
		r := upsertOK(t, svc, scope, decodeOrder(t, doc))
		if r.Outcome != model.OutcomeUnchanged {
			t.Errorf("replay %d: outcome = %q, want unchanged", i+1, r.Outcome)
		}
	}
	got, err := svc.Get(ctx, scope, first.Order.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 1 || len(got.History) != 1 {
		t.Errorf("after replays: version %d, %d events; want 1, 1", got.Version, len(got.History))
	}
	wantUpdated := time.Date(2026, 11, 20, 10, 5, 0, 987654000, time.UTC)
	wantCreated := time.Date(2026, 11, 20, 10, 0, 0, 123456000, time.UTC)
	wantPaid := time.Date(2026, 11, 20, 10, 1, 0, 555555000, time.UTC)
	if !got.UpdatedAt.Equal(wantUpdated) || !got.CreatedAt.Equal(wantCreated) || got.PaidAt == nil || !got.PaidAt.Equal(wantPaid) {
		t.Errorf("stored created/paid/updated = %v/%v/%v, want %v/%v/%v", got.CreatedAt, got.PaidAt, got.UpdatedAt,
			wantCreated, wantPaid, wantUpdated)
	}
	// One microsecond later is a newer version.
	clock.Advance(time.Second)
	r := upsertOK(t, svc, scope, decodeOrder(t, contractJSON("EXT-1", "2026-11-20T10:05:00.987655Z", "AWAITING_SHIPMENT")))
	if r.Outcome != model.OutcomeUpdated {
		t.Errorf("1 µs newer: outcome = %q, want updated", r.Outcome)
	}
}

// listAll pages through the scope's orders with limit, returning the page sizes and the orders.
func listAll(t *testing.T, svc *order.Service, scope model.Scope, limit int) ([]int, []model.Order) {
	t.Helper()
	var sizes []int
	var all []model.Order
	var after *store.Cursor
	for page := 0; ; page++ {
		if page > 100 {
			t.Fatalf("more than 100 pages: the cursor does not advance")
		}
		orders, next, err := svc.List(context.Background(), scope, order.ListQuery{After: after, Limit: limit})
		if err != nil {
			t.Fatalf("List page %d: %v", page, err)
		}
		sizes = append(sizes, len(orders))
		all = append(all, orders...)
		if next == nil {
			return sizes, all
		}
		if len(orders) == 0 {
			t.Fatalf("page %d is empty but has a next cursor", page)
		}
		after = next
	}
}

func TestServiceListPaginates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		orders    int
		limit     int
		wantPages []int
	}{
		{"25 orders by 10", 25, 10, []int{10, 10, 5}},
		{"20 orders by 10: no empty last page", 20, 10, []int{10, 10}},
		{"9 orders by 10", 9, 10, []int{9}},
		{"no orders", 0, 10, []int{0}},
		{"5 orders by 1", 5, 1, []int{1, 1, 1, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc, _, clock := newService(t, "shop_a", "shop_b")
			scope := scopeOf("shop_a", "shop_b")
			// Batches of 7 over two shops: several orders share a modified_at (the id breaks ties),
			// others differ.
			var batch []model.Order
			flush := func() {
				if len(batch) == 0 {
					return
				}
				res, err := svc.Upsert(context.Background(), scope, batch, order.CauseAPI)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range res {
					if r.Err != nil {
						t.Fatal(r.Err)
					}
				}
				batch = nil
				clock.Advance(time.Millisecond)
			}
			for i := range tt.orders {
				batch = append(batch, svcOrder([]string{"shop_a", "shop_b"}[i%2], fmt.Sprintf("EXT-%03d", i)))
				if len(batch) == 7 {
					flush()
				}
			}
			flush()

			sizes, all := listAll(t, svc, scope, tt.limit)
			if !slices.Equal(sizes, tt.wantPages) {
				t.Errorf("page sizes = %v, want %v", sizes, tt.wantPages)
			}
			seen := map[string]bool{}
			for i, o := range all {
				if seen[o.ExternalID] {
					t.Errorf("%s listed twice", o.ExternalID)
				}
				seen[o.ExternalID] = true
				if i > 0 {
					p := all[i-1]
					if o.ModifiedAt.Before(p.ModifiedAt) || (o.ModifiedAt.Equal(p.ModifiedAt) && o.ID <= p.ID) {
						t.Errorf("order %d (%s %s) is not after order %d (%s %s)", i, o.ModifiedAt, o.ID, i-1, p.ModifiedAt, p.ID)
					}
				}
			}
			if len(seen) != tt.orders {
				t.Errorf("listed %d distinct orders, want %d", len(seen), tt.orders)
			}
		})
	}
}

// A full page of the largest size must still say whether another page follows: Service.List
// asks the store for one row more than the page.
func TestServiceListFullMaxPageHasCursor(t *testing.T) {
	t.Parallel()
	svc, _, _ := newService(t, "shop_a")
	scope := scopeOf("shop_a")
	n := store.MaxListLimit + 1
	batch := make([]model.Order, n)
	for i := range batch {
		batch[i] = svcOrder("", fmt.Sprintf("EXT-%05d", i))
	}
	res, err := svc.Upsert(context.Background(), scope, batch, order.CauseAPI)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	for _, limit := range []int{0, store.MaxListLimit, 5000} {
		sizes, all := listAll(t, svc, scope, limit)
		if want := []int{store.MaxListLimit, 1}; !slices.Equal(sizes, want) {
			t.Errorf("limit %d: page sizes = %v, want %v", limit, sizes, want)
		}
		if len(all) != n {
			t.Errorf("limit %d: listed %d of %d orders", limit, len(all), n)
		}
	}
}

func TestServiceConfirm(t *testing.T) {
	t.Parallel()
	svc, _, clock := newService(t, "shop_a")
	ctx := context.Background()
	scope := scopeOf("shop_a")
	created := upsertOK(t, svc, scope, svcOrder("", "EXT-1"))
	clock.Advance(time.Hour)
	wantAt := time.Date(2026, 11, 21, 11, 0, 0, 123456000, time.UTC)

	got, err := svc.Confirm(ctx, scope, created.Order.ID, order.CauseAPI)
	if err != nil {
		t.Fatalf("Confirm: %v", err)
	}
	if got.ConfirmedAt == nil || !got.ConfirmedAt.Equal(wantAt) {
		t.Errorf("ConfirmedAt = %v, want %v", got.ConfirmedAt, wantAt)
	}
	if got.Version != 2 || len(got.History) != 2 || got.History[1].Kind != "confirmed" || got.History[1].Cause != order.CauseAPI {
		t.Errorf("version %d, history %+v; want 2 and a confirmed event", got.Version, got.History)
	}
	stored, err := svc.Get(ctx, scope, created.Order.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.ConfirmedAt == nil || !stored.ConfirmedAt.Equal(wantAt) || stored.Version != 2 {
		t.Errorf("stored ConfirmedAt %v version %d; want %v, 2", stored.ConfirmedAt, stored.Version, wantAt)
	}

	// Confirming twice is not an error and changes nothing.
	clock.Advance(time.Hour)
	again, err := svc.Confirm(ctx, scope, created.Order.ID, order.CauseAPI)
	if err != nil {
		t.Fatalf("second Confirm: %v", err)
	}
	if again.Version != 2 || !again.ConfirmedAt.Equal(wantAt) || len(again.History) != 2 {
		t.Errorf("second Confirm changed the order: version %d, confirmed %v, %d events", again.Version, again.ConfirmedAt, len(again.History))
	}

	// A newer marketplace version keeps lastmile's confirmation (R-ORD-3 clock).
	newer := svcOrder("", "EXT-1")
	newer.UpdatedAt = newer.UpdatedAt.Add(time.Hour)
	r := upsertOK(t, svc, scope, newer)
	if r.Order.ConfirmedAt == nil || !r.Order.ConfirmedAt.Equal(wantAt) {
		t.Errorf("after a newer upsert ConfirmedAt = %v, want %v", r.Order.ConfirmedAt, wantAt)
	}

	// An unpaid order cannot be confirmed.
	u := svcOrder("", "EXT-2")
	u.Status, u.PaidAt = unpaid, nil
	unpaidOrder := upsertOK(t, svc, scope, u)
	_, err = svc.Confirm(ctx, scope, unpaidOrder.Order.ID, order.CauseAPI)
	var ae *order.ActionError
	if !errors.As(err, &ae) || !errors.Is(err, model.ErrConflict) {
		t.Errorf("Confirm of an UNPAID order: err = %v, want *ActionError (conflict)", err)
	}
	if _, err := svc.Confirm(ctx, scope, "ord_missing", order.CauseAPI); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("Confirm of a missing order: err = %v, want ErrNotFound", err)
	}
}

func TestServiceCancelReason(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		reason string
		want   string // "code field", or "" when accepted
	}{
		{"empty", "", "missing_field reason"},
		{"only spaces", "   \t ", "missing_field reason"},
		{"501 bytes", strings.Repeat("x", 501), "too_long reason"},
		{"251 two-byte runes are 502 bytes", strings.Repeat("é", 251), "too_long reason"},
		{"500 bytes", strings.Repeat("x", 500), ""},
		{"500 bytes after trimming", "  " + strings.Repeat("x", 500) + "  ", ""},
		{"short", "out_of_stock", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc, _, _ := newService(t, "shop_a")
			ctx := context.Background()
			scope := scopeOf("shop_a")
			created := upsertOK(t, svc, scope, svcOrder("", "EXT-1"))
			got, err := svc.Cancel(ctx, scope, created.Order.ID, tt.reason, order.CauseAPI)
			if tt.want != "" {
				if f := fieldsOf(err); !slices.Equal(f, []string{tt.want}) {
					t.Fatalf("err = %v (problems %v), want a ValidationError %s", err, f, tt.want)
				}
				stored, err := svc.Get(ctx, scope, created.Order.ID)
				if err != nil {
					t.Fatal(err)
				}
				if stored.Status != awaitShip || stored.Version != 1 {
					t.Errorf("refused cancellation changed the order: %s v%d", stored.Status, stored.Version)
				}
				return
			}
			if err != nil {
				t.Fatalf("Cancel: %v", err)
			}
			wantReason := strings.TrimSpace(tt.reason)
			if got.Status != cancelled || got.CancelReason != wantReason || got.Version != 2 {
				t.Errorf("got %s, reason %q, v%d; want CANCELLED, %q, v2", got.Status, got.CancelReason, got.Version, wantReason)
			}
			last := got.History[len(got.History)-1]
			if last.Kind != "transition" || last.From != awaitShip || last.To != cancelled || last.Reason != wantReason {
				t.Errorf("last event = %+v", last)
			}
		})
	}
}

func TestServiceCancel(t *testing.T) {
	t.Parallel()
	svc, _, clock := newService(t, "shop_a")
	ctx := context.Background()
	scope := scopeOf("shop_a")
	created := upsertOK(t, svc, scope, svcOrder("", "EXT-1"))

	clock.Advance(time.Minute)
	got, err := svc.Cancel(ctx, scope, created.Order.ID, "buyer_request", order.CauseAPI)
	if err != nil {
		t.Fatalf("Cancel: %v", err)
	}
	stored, err := svc.Get(ctx, scope, created.Order.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Status != cancelled || stored.CancelReason != "buyer_request" || stored.Version != 2 || got.Version != 2 {
		t.Errorf("stored %s %q v%d", stored.Status, stored.CancelReason, stored.Version)
	}

	// Cancelling twice is not an error; the first reason stays.
	clock.Advance(time.Minute)
	again, err := svc.Cancel(ctx, scope, created.Order.ID, "out_of_stock", order.CauseAPI)
	if err != nil {
		t.Fatalf("second Cancel: %v", err)
	}
	if again.CancelReason != "buyer_request" || again.Version != 2 {
		t.Errorf("second Cancel: reason %q v%d, want buyer_request v2", again.CancelReason, again.Version)
	}

	// A lagging marketplace snapshot does not revive the order, nor erase the reason.
	newer := svcOrder("", "EXT-1")
	newer.UpdatedAt = newer.UpdatedAt.Add(time.Hour)
	r := upsertOK(t, svc, scope, newer)
	if r.Order.Status != cancelled || r.Order.CancelReason != "buyer_request" {
		t.Errorf("after a newer AWAITING_SHIPMENT snapshot: %s %q, want CANCELLED buyer_request", r.Order.Status, r.Order.CancelReason)
	}

	// A delivered order cannot be cancelled.
	d := svcOrder("", "EXT-2")
	d.Status = delivered
	del := upsertOK(t, svc, scope, d)
	_, err = svc.Cancel(ctx, scope, del.Order.ID, "buyer_request", order.CauseAPI)
	var te *order.TransitionError
	if !errors.As(err, &te) || !errors.Is(err, model.ErrConflict) {
		t.Errorf("Cancel of a DELIVERED order: err = %v, want *TransitionError (conflict)", err)
	}
	if s, _ := svc.Get(ctx, scope, del.Order.ID); s.Status != delivered || s.Version != 1 {
		t.Errorf("refused cancellation changed the order: %s v%d", s.Status, s.Version)
	}
}

func TestServiceOtherShopScopeSeesNothing(t *testing.T) {
	t.Parallel()
	svc, _, _ := newService(t, "shop_a", "shop_b")
	ctx := context.Background()
	created := upsertOK(t, svc, scopeOf("shop_a"), svcOrder("", "EXT-1"))
	id := created.Order.ID
	other := scopeOf("shop_b")

	if _, err := svc.Get(ctx, other, id); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("Get: err = %v, want ErrNotFound", err)
	}
	if _, err := svc.Confirm(ctx, other, id, order.CauseAPI); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("Confirm: err = %v, want ErrNotFound", err)
	}
	if _, err := svc.Cancel(ctx, other, id, "buyer_request", order.CauseAPI); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("Cancel: err = %v, want ErrNotFound", err)
	}
	if _, err := svc.Get(ctx, model.Scope{}, id); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("Get with an empty scope: err = %v, want ErrNotFound", err)
	}
	page, next, err := svc.List(ctx, other, order.ListQuery{})
	if err != nil || len(page) != 0 || next != nil {
		t.Errorf("List for shop_b = %d orders, cursor %v, err %v; want nothing", len(page), next, err)
	}
	stored, err := svc.Get(ctx, scopeOf("shop_a"), id)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Status != awaitShip || stored.ConfirmedAt != nil || stored.Version != 1 {
		t.Errorf("another shop's calls changed the order: %s confirmed %v v%d", stored.Status, stored.ConfirmedAt, stored.Version)
	}
}
