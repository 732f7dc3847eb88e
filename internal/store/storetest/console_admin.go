package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// RunConsoleAdmin exercises store.ConsoleAdmin.
func RunConsoleAdmin(t *testing.T, newStore func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"ShopAPIKeys", testShopAPIKeys},
		{"ChangeShopRole", testChangeShopRole},
		{"LastOwnerConcurrent", testLastOwnerConcurrent},
		{"LatestWebhookDeliveries", testLatestWebhookDeliveries},
		{"OpenDeadlines", testOpenDeadlines},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newStore(t))
		})
	}
}

// A shop's keys, its shared ones included with all their shops, newest first; another shop's
// not; the last use written at most once per interval.
func testShopAPIKeys(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b := mustShop(t, s, "Keys A"), mustShop(t, s, "Keys B")
	keys := []model.APIKey{
		{ID: "key_1", Name: "ERP", Hash: []byte("h1"), ShopIDs: []string{a.ID}, CreatedAt: t0},
		{ID: "key_2", Name: "3PL", Hash: []byte("h2"), ShopIDs: []string{a.ID, b.ID}, CreatedAt: t0.Add(time.Hour)},
		{ID: "key_3", Name: "B only", Hash: []byte("h3"), ShopIDs: []string{b.ID}, CreatedAt: t0.Add(2 * time.Hour)},
	}
	for _, k := range keys {
		if err := s.CreateAPIKey(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RevokeAPIKey(ctx, "key_1", t0.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, err := s.ListShopAPIKeys(ctx, []string{a.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != "key_2" || got[1].ID != "key_1" {
		t.Fatalf("keys of A: %+v", got)
	}
	if want := []string{a.ID, b.ID}; !slices.Equal(got[0].ShopIDs, slices.Sorted(slices.Values(want))) || got[0].Name != "3PL" ||
		!got[0].CreatedAt.Equal(t0.Add(time.Hour)) || got[0].RevokedAt != nil || got[0].LastUsedAt != nil || got[0].Hash != nil {
		t.Fatalf("shared key: %+v", got[0])
	}
	if got[1].RevokedAt == nil || !got[1].RevokedAt.Equal(t0.Add(3*time.Hour)) {
		t.Fatalf("revoked key: %+v", got[1])
	}
	if got, err := s.ListShopAPIKeys(ctx, []string{"shop_none"}); err != nil || len(got) != 0 {
		t.Fatalf("keys of a missing shop: %+v %v", got, err)
	}

	used := t0.Add(4*time.Hour + 123*time.Microsecond)
	for i, c := range []struct {
		at    time.Time
		wrote bool
	}{{used, true}, {used.Add(30 * time.Second), false}, {used.Add(time.Minute), false}, {used.Add(time.Minute + time.Microsecond), true}} {
		wrote, err := s.TouchAPIKey(ctx, "key_2", c.at, time.Minute)
		if err != nil || wrote != c.wrote {
			t.Fatalf("touch %d at %s: wrote %v %v, want %v", i, c.at, wrote, err, c.wrote)
		}
	}
	if wrote, err := s.TouchAPIKey(ctx, "key_missing", used, time.Minute); err != nil || wrote {
		t.Fatalf("touch of a missing key: %v %v", wrote, err)
	}
	k, err := s.GetAPIKey(ctx, "key_2")
	if err != nil || k.LastUsedAt == nil || !k.LastUsedAt.Equal(used.Add(time.Minute+time.Microsecond)) {
		t.Fatalf("last used: %+v %v", k, err)
	}
	got, err = s.ListShopAPIKeys(ctx, []string{b.ID})
	if err != nil || len(got) != 2 || got[0].ID != "key_3" || got[1].LastUsedAt == nil || !got[1].LastUsedAt.Equal(*k.LastUsedAt) {
		t.Fatalf("keys of B: %+v %v", got, err)
	}
}

// Setting, changing and removing a role; the last owner kept; removing a role the user lacks.
func testChangeShopRole(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b := mustShop(t, s, "Roles A"), mustShop(t, s, "Roles B")
	for _, u := range []model.User{
		{ID: "usr_o", Email: "o@example.com", CreatedAt: t0, Roles: map[string]model.Role{a.ID: model.RoleOwner, b.ID: model.RoleOwner}},
		{ID: "usr_v", Email: "v@example.com", CreatedAt: t0, Roles: map[string]model.Role{a.ID: model.RoleViewer}},
	} {
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	wantErr(t, s.ChangeShopRole(ctx, "usr_o", a.ID, model.RoleOperator), store.ErrLastOwner, "demoting the last owner")
	wantErr(t, s.ChangeShopRole(ctx, "usr_o", a.ID, ""), store.ErrLastOwner, "removing the last owner")
	wantErr(t, s.ChangeShopRole(ctx, "usr_o", a.ID, ""), model.ErrConflict, "the last owner is a conflict")
	wantErr(t, s.ChangeShopRole(ctx, "usr_v", b.ID, ""), model.ErrNotFound, "removing a role the user does not have")
	wantErr(t, s.ChangeShopRole(ctx, "usr_missing", a.ID, model.RoleViewer), model.ErrNotFound, "a missing user")
	wantErr(t, s.ChangeShopRole(ctx, "usr_v", "shop_missing", model.RoleViewer), model.ErrNotFound, "a missing shop")
	if err := s.ChangeShopRole(ctx, "usr_o", a.ID, model.RoleOwner); err != nil {
		t.Fatalf("the last owner stays owner: %v", err)
	}
	if err := s.ChangeShopRole(ctx, "usr_v", a.ID, model.RoleOwner); err != nil {
		t.Fatal(err)
	}
	if err := s.ChangeShopRole(ctx, "usr_o", a.ID, ""); err != nil {
		t.Fatalf("removing an owner while another remains: %v", err)
	}
	if err := s.ChangeShopRole(ctx, "usr_o", a.ID, model.RoleViewer); err != nil {
		t.Fatalf("giving a role anew: %v", err)
	}
	u, err := s.GetUser(ctx, "usr_o")
	if err != nil || u.Roles[a.ID] != model.RoleViewer || u.Roles[b.ID] != model.RoleOwner {
		t.Fatalf("roles: %+v %v", u.Roles, err)
	}
	if err := s.ChangeShopRole(ctx, "usr_o", a.ID, ""); err != nil {
		t.Fatal(err)
	}
	if u, err = s.GetUser(ctx, "usr_o"); err != nil || len(u.Roles) != 1 {
		t.Fatalf("after removal: %+v %v", u.Roles, err)
	}
	list, err := s.ListShopUsers(ctx, a.ID)
	if err != nil || len(list) != 1 || list[0].ID != "usr_v" || list[0].Roles[a.ID] != model.RoleOwner {
		t.Fatalf("users of A: %+v %v", list, err)
	}
}

// Two owners of a shop demote or remove each other at the same instant: one change wins, the
// other is refused, and the shop keeps one owner. Without the owners read and the change in one
// transaction that holds the shop's roles, both read two owners and both go through.
func testLastOwnerConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	for _, u := range []model.User{{ID: "usr_1", Email: "one@example.com", CreatedAt: t0}, {ID: "usr_2", Email: "two@example.com", CreatedAt: t0}} {
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	for round := range 30 {
		shop := mustShop(t, s, fmt.Sprintf("Race %d", round))
		for _, id := range []string{"usr_1", "usr_2"} {
			if err := s.SetUserRole(ctx, id, shop.ID, model.RoleOwner); err != nil {
				t.Fatal(err)
			}
		}
		second := model.RoleViewer
		if round%2 == 1 {
			second = "" // removal races with demotion
		}
		start := make(chan struct{})
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i, c := range []struct {
			user string
			role model.Role
		}{{"usr_1", model.RoleOperator}, {"usr_2", second}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[i] = s.ChangeShopRole(ctx, c.user, shop.ID, c.role)
			}()
		}
		close(start)
		wg.Wait()
		ok, refused := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, store.ErrLastOwner):
				refused++
			default:
				t.Fatalf("round %d: %v", round, err)
			}
		}
		users, err := s.ListShopUsers(ctx, shop.ID)
		if err != nil {
			t.Fatal(err)
		}
		owners := 0
		for _, u := range users {
			if u.Roles[shop.ID] == model.RoleOwner {
				owners++
			}
		}
		if ok != 1 || refused != 1 || owners != 1 {
			t.Fatalf("round %d: %d changes went through, %d refused, %d owners left (%v): want 1, 1, 1", round, ok, refused, owners, errs)
		}
	}
}

// The newest deliveries of a shop, newest first by (created, id), limited; another shop's not.
func testLatestWebhookDeliveries(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b := mustShop(t, s, "Hooks A"), mustShop(t, s, "Hooks B")
	subA, subB := newSubscription(a.ID, "whs_a"), newSubscription(b.ID, "whs_b")
	for _, sub := range []model.WebhookSubscription{subA, subB} {
		if err := s.CreateWebhookSubscription(ctx, sub); err != nil {
			t.Fatal(err)
		}
	}
	var ds []model.WebhookDelivery
	for i := range 30 {
		d := newDelivery(a.ID, subA.ID, fmt.Sprintf("whd_%02d", i), fmt.Sprintf("evt_%02d", i), "")
		d.CreatedAt = t0.Add(time.Duration(i/2) * time.Minute) // two by two at one time: the id breaks the tie
		ds = append(ds, d)
	}
	newest := newDelivery(b.ID, subB.ID, "whd_b", "evt_b", "")
	newest.CreatedAt = t0.Add(time.Hour)
	if _, err := s.AddWebhookDeliveries(ctx, append(ds, newest), deliveryJob); err != nil {
		t.Fatal(err)
	}
	got, err := s.LatestWebhookDeliveries(ctx, []string{a.ID}, 20)
	if err != nil || len(got) != 20 {
		t.Fatalf("latest: %d %v", len(got), err)
	}
	for i, d := range got {
		if want := fmt.Sprintf("whd_%02d", 29-i); d.ID != want || d.ShopID != a.ID {
			t.Fatalf("latest[%d] = %s of %s, want %s", i, d.ID, d.ShopID, want)
		}
	}
	if got, err := s.LatestWebhookDeliveries(ctx, []string{a.ID, b.ID}, 1); err != nil || len(got) != 1 || got[0].ID != "whd_b" {
		t.Fatalf("latest of both: %+v %v", got, err)
	}
	if got, err := s.LatestWebhookDeliveries(ctx, nil, 5); err != nil || len(got) != 0 {
		t.Fatalf("latest of no shop: %+v %v", got, err)
	}
}

// The deadlines at risk (earliest due first) and breached and not met (latest due first) of a
// shop, paged; met, pending and another shop's ones left out; counted.
func testOpenDeadlines(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b := mustShop(t, s, "Clocks A"), mustShop(t, s, "Clocks B")
	dl := func(o model.Order, key, state string, dueH int, met bool) store.DeadlineRow {
		d := store.DeadlineRow{Key: key, ShopID: o.ShopID, OrderID: o.ID, Rule: "R-SHIP-1", Name: "ship", Subject: "order", SubjectID: o.ID,
			StartAt: at(0), DueAt: at(dueH), AtRiskAt: at(dueH - 1), Source: "paid_at", State: state}
		if met {
			d.MetAt = at(dueH + 1)
		} else if state != store.DeadlineBreached {
			d.NextCheckAt = at(dueH)
		}
		return d
	}
	o1 := upsertOne(t, s, sample(a.ID, "dl-1", t0, model.StatusAwaitingShipment), t0).Order
	o2 := upsertOne(t, s, sample(a.ID, "dl-2", t0, model.StatusAwaitingShipment), t0).Order
	ob := upsertOne(t, s, sample(b.ID, "dl-b", t0, model.StatusAwaitingShipment), t0).Order
	set := map[string][]store.DeadlineRow{
		o1.ID: {dl(o1, "k1", "at_risk", 5, false), dl(o1, "k2", "pending", 6, false), dl(o1, "k3", "breached", 1, true),
			dl(o1, "k4", "breached", 2, false), dl(o1, "k5", "met", 3, true)},
		o2.ID: {dl(o2, "k6", "at_risk", 3, false), dl(o2, "k7", "breached", 4, false), dl(o2, "k8", "at_risk", 3, false)},
		ob.ID: {dl(ob, "k9", "at_risk", 1, false), dl(ob, "k10", "breached", 9, false)},
	}
	for id, rows := range set {
		shop := a.ID
		if id == ob.ID {
			shop = b.ID
		}
		if err := s.ChangeClocks(ctx, []string{shop}, id, func(store.ClockState) (store.ClockChange, error) {
			return store.ClockChange{Deadlines: rows, ReplaceDeadlines: true}, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	keys := func(q store.OpenDeadlineQuery) []string {
		t.Helper()
		var out []string
		for {
			rows, err := s.ListOpenDeadlines(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				out = append(out, r.Key)
			}
			if len(rows) < q.Limit {
				return out
			}
			last := rows[len(rows)-1]
			q.After = &store.DeadlineCursor{DueAt: last.DueAt, Key: last.Key}
		}
	}
	if got, want := keys(store.OpenDeadlineQuery{ShopIDs: []string{a.ID}, State: store.DeadlineAtRisk, Limit: 1}), []string{"k6", "k8", "k1"}; !slices.Equal(got, want) {
		t.Fatalf("at risk, one a page: %v, want %v", got, want)
	}
	if got, want := keys(store.OpenDeadlineQuery{ShopIDs: []string{a.ID}, State: store.DeadlineBreached, Limit: 1}), []string{"k7", "k4"}; !slices.Equal(got, want) {
		t.Fatalf("breached, one a page: %v, want %v", got, want)
	}
	if got, want := keys(store.OpenDeadlineQuery{ShopIDs: []string{a.ID, b.ID}, State: store.DeadlineBreached, Limit: 10}), []string{"k10", "k7", "k4"}; !slices.Equal(got, want) {
		t.Fatalf("breached of both shops: %v, want %v", got, want)
	}
	rows, err := s.ListOpenDeadlines(ctx, store.OpenDeadlineQuery{ShopIDs: []string{a.ID}, State: store.DeadlineAtRisk, Limit: 1})
	if err != nil || len(rows) != 1 || rows[0].OrderID != o2.ID || !rows[0].DueAt.Equal(at(3)) || rows[0].Rule != "R-SHIP-1" {
		t.Fatalf("row: %+v %v", rows, err)
	}
	_, err = s.ListOpenDeadlines(ctx, store.OpenDeadlineQuery{ShopIDs: []string{a.ID}, State: "met"})
	wantErr(t, err, model.ErrInvalid, "a state that is not listed")
	risk, breached, err := s.CountOpenDeadlines(ctx, []string{a.ID})
	if err != nil || risk != 3 || breached != 2 {
		t.Fatalf("count: %d at risk, %d breached, %v: want 3, 2", risk, breached, err)
	}
}
