package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

func testShopSettings(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b := mustShop(t, s, "Settings A"), mustShop(t, s, "Settings B")

	_, err := s.GetShopSettings(ctx, "shop_missing")
	wantErr(t, err, model.ErrNotFound, "get settings of a missing shop")
	_, err = s.UpdateShopSettings(ctx, "shop_missing", func(*model.ShopSettings) (bool, error) { return true, nil })
	wantErr(t, err, model.ErrNotFound, "update settings of a missing shop")

	got, err := s.GetShopSettings(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, model.ShopSettings{ShopID: a.ID}) {
		t.Fatalf("a shop that never stored settings: %+v, want empty ones", got)
	}

	at := t0.Add(90 * time.Minute).Add(123 * time.Microsecond)
	want := model.ShopSettings{ShopID: a.ID, Overrides: map[string]string{"ship_within": "48h", "promise_days": "5"},
		ModeChanges: []model.ModeChange{{Mode: model.ModePlatform, At: at}}, UpdatedAt: at}
	stored, err := s.UpdateShopSettings(ctx, a.ID, func(st *model.ShopSettings) (bool, error) {
		if st.ShopID != a.ID || st.Overrides != nil || st.ModeChanges != nil {
			return false, fmt.Errorf("fn got %+v, want empty settings", st)
		}
		st.Overrides, st.ModeChanges, st.UpdatedAt = want.Overrides, want.ModeChanges, want.UpdatedAt
		return true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, err = s.GetShopSettings(ctx, a.ID); err != nil || !reflect.DeepEqual(got, want) || !reflect.DeepEqual(stored, want) {
		t.Fatalf("stored %+v, read back %+v (%v); want %+v", stored, got, err, want)
	}

	// No change and a refused change leave the settings as they were.
	boom := errors.New("refused")
	for _, fn := range []func(*model.ShopSettings) (bool, error){
		func(st *model.ShopSettings) (bool, error) {
			st.Overrides = map[string]string{"x": "y"}
			return false, nil
		},
		func(st *model.ShopSettings) (bool, error) {
			st.Overrides = map[string]string{"x": "y"}
			return true, boom
		},
	} {
		_, err := s.UpdateShopSettings(ctx, a.ID, fn)
		if err != nil && !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if got, _ := s.GetShopSettings(ctx, a.ID); !reflect.DeepEqual(got, want) {
			t.Fatalf("after an update that changed nothing: %+v, want %+v", got, want)
		}
	}
	// Removing every override stores empty settings, read back as nil.
	if _, err := s.UpdateShopSettings(ctx, a.ID, func(st *model.ShopSettings) (bool, error) {
		st.Overrides = map[string]string{}
		return true, nil
	}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetShopSettings(ctx, a.ID); got.Overrides != nil || len(got.ModeChanges) != 1 {
		t.Fatalf("after removing the overrides: %+v", got)
	}
	// Shop B is untouched.
	if got, _ := s.GetShopSettings(ctx, b.ID); !reflect.DeepEqual(got, model.ShopSettings{ShopID: b.ID}) {
		t.Fatalf("shop B: %+v", got)
	}

	// Listing reads the settings of the shops that have any, in one call.
	list, err := s.ListShopSettings(ctx, []string{b.ID, a.ID, "shop_missing"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ShopID != a.ID || !reflect.DeepEqual(list[0].ModeChanges, want.ModeChanges) {
		t.Fatalf("ListShopSettings = %+v, want shop A's only", list)
	}
	if list, err := s.ListShopSettings(ctx, nil); err != nil || len(list) != 0 {
		t.Fatalf("ListShopSettings(nil) = %+v, %v", list, err)
	}

	// Concurrent updates of one shop serialise: none is lost, even for a shop with no row yet.
	const n = 16
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.UpdateShopSettings(ctx, b.ID, func(st *model.ShopSettings) (bool, error) {
				if st.Overrides == nil {
					st.Overrides = map[string]string{}
				}
				st.Overrides["k"+strconv.Itoa(i)] = "v"
				st.ModeChanges = append(st.ModeChanges, model.ModeChange{Mode: model.ModeSeller, At: t0.Add(time.Duration(i) * time.Second)})
				st.UpdatedAt = t0
				return true, nil
			})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := s.GetShopSettings(ctx, b.ID); len(got.Overrides) != n || len(got.ModeChanges) != n {
		t.Fatalf("%d overrides and %d mode changes after %d concurrent updates", len(got.Overrides), len(got.ModeChanges), n)
	}
	// Many shops at once (past SQLite's chunk of bound variables).
	ids := []string{b.ID}
	for i := range 1200 {
		ids = append(ids, "shop_none_"+strconv.Itoa(i))
	}
	ids = append(ids, a.ID)
	if list, err := s.ListShopSettings(ctx, ids); err != nil || len(list) != 2 {
		t.Fatalf("ListShopSettings of %d ids: %d results, %v", len(ids), len(list), err)
	}
}
