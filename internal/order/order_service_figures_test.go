package order_test

import (
	"context"
	"log/slog"
	"testing"

	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/settings"
)

func hasProblem(o model.Order, code string) bool {
	for _, p := range o.Problems {
		if p.Code == code {
			return true
		}
	}
	return false
}

// Each order is checked against its shop's own figures (R-MKT-2, R-ORD-6): a shop that
// offers COD in the US (cod: true, set through the API or the file) keeps its COD orders, and
// the others' are held; a shop that ships only domestically (require_declared_name: false) is
// not held for a missing customs description (R-SHIP-6). Batches, single upserts and
// corrections alike.
func TestServiceChecksWithShopFigures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, st, clock := newService(t, "shop_cod", "shop_file", "shop_plain")
	cfg, err := config.Parse("lastmile.yaml", []byte("shops:\n  shop_file: {cod: true, require_declared_name: false}\n"))
	if err != nil {
		t.Fatal(err)
	}
	figs := settings.NewService(st, cfg, clock.Now)
	if _, err := figs.Patch(ctx, scopeOf("shop_cod"), "shop_cod", settings.Patch{Set: config.Overrides{"cod": "true"}}); err != nil {
		t.Fatal(err)
	}
	svc := order.NewService(st, cfg.Markets, clock.Now, slog.New(slog.DiscardHandler)).WithFigures(figs)
	scope := scopeOf("shop_cod", "shop_file", "shop_plain")

	var batch []model.Order
	for _, shop := range []string{"shop_cod", "shop_file", "shop_plain"} {
		o := svcOrder(shop, "COD-"+shop)
		o.COD = &model.Money{Amount: 2598, Currency: "USD"}
		o.Lines[0].DeclaredName = ""
		batch = append(batch, o)
	}
	res, err := svc.Upsert(ctx, scope, batch, order.CauseAPI)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]bool{"shop_cod": {false, true}, "shop_file": {false, false}, "shop_plain": {true, true}}
	for _, r := range res {
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		w := want[r.Order.ShopID]
		if hasProblem(r.Order, "cod_not_offered") != w[0] {
			t.Errorf("%s: cod_not_offered %v, want %v (problems %+v)", r.Order.ShopID, !w[0], w[0], r.Order.Problems)
		}
		if held := len(r.Order.Problems) > 0; (w[0] || w[1]) != held {
			t.Errorf("%s: held %v with %+v", r.Order.ShopID, held, r.Order.Problems)
		}
	}

	// A correction is checked against the shop's figures too.
	plain := res[2].Order
	if _, err := figs.Patch(ctx, scopeOf("shop_plain"), "shop_plain", settings.Patch{Set: config.Overrides{"cod": "true", "require_declared_name": "false"}}); err != nil {
		t.Fatal(err)
	}
	weight := order.Field[int64]{Set: true, Value: plain.Lines[0].WeightG + 10}
	fixed, err := svc.Correct(ctx, scope, plain.ID, order.Patch{Lines: []order.LinePatch{{SKU: plain.Lines[0].SKU, WeightG: weight}}}, order.CauseAPI)
	if err != nil {
		t.Fatal(err)
	}
	if len(fixed.Problems) != 0 || fixed.NeedsAttention {
		t.Errorf("after the shop allowed COD: %+v", fixed.Problems)
	}
}
