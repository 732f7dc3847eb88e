package shipping_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"lastmile/internal/config"
	"lastmile/internal/settings"
	"lastmile/internal/shipping"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// TestShopCarriersObeyed: a carrier the shop disabled in its carriers setting (R-SHIP-3) is
// never chosen, though it is the cheapest, and a ship request naming it is refused by name.
func TestShopCarriersObeyed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st, envOptions{figures: true})
		e.warehouse(t, "LAX1", 10, "TS-RED-M")
		orders := e.put(t, true, e.usOrder("C-1", line("TS-RED-M", 1)), e.usOrder("C-2", line("TS-RED-M", 1)),
			e.usOrder("C-3", line("TS-RED-M", 1)))

		first, err := e.ship.Ship(ctx, e.scope, orders[0].ID, shipping.Options{Policy: "cheapest"})
		if err != nil {
			t.Fatalf("ship with every certified carrier: %v", err)
		}
		cheapest := first.Shipments[0].Carrier

		// The shop ships with every certified carrier but the cheapest.
		certified := settings.Certification(config.Config{}.WithDefaults()).Certified("US")
		enabled := slices.DeleteFunc(slices.Clone(certified), func(c string) bool { return c == cheapest })
		if len(enabled) == len(certified) {
			t.Fatalf("the cheapest carrier %s is not certified in US (%v)", cheapest, certified)
		}
		if _, err := e.settings.Patch(ctx, e.scope, e.shop.ID, settings.Patch{Set: config.Overrides{"carriers": strings.Join(enabled, ",")}}); err != nil {
			t.Fatalf("disable %s: %v", cheapest, err)
		}

		second, err := e.ship.Ship(ctx, e.scope, orders[1].ID, shipping.Options{Policy: "cheapest"})
		if err != nil {
			t.Fatalf("ship without the cheapest carrier: %v", err)
		}
		if got := second.Shipments[0].Carrier; got == cheapest || !slices.Contains(enabled, got) {
			t.Errorf("shipped with %s; the shop disabled %s and ships with %v", got, cheapest, enabled)
		}

		_, err = e.ship.Ship(ctx, e.scope, orders[2].ID, shipping.Options{Carrier: cheapest})
		var re *shipping.RefusalError
		if !errors.As(err, &re) || re.Code != shipping.RefusedDisabled || re.Field != "carrier" || !strings.Contains(re.Message, cheapest) {
			t.Fatalf("ship naming the disabled carrier: %v, want %s naming %s", err, shipping.RefusedDisabled, cheapest)
		}
		if labels, _ := e.labels(); labels != 2 {
			t.Errorf("the sim sold %d labels, want 2", labels)
		}
	})
}
