package app

import (
	"context"
	"errors"
	"fmt"

	"lastmile/internal/demo"
	"lastmile/internal/inventory"
	"lastmile/internal/model"
)

// Demo console login: fixed, printed at every start, because the demo listens on loopback only
// and exists to be tried.
const (
	demoEmail    = "demo@example.com"
	demoPassword = "lastmile-demo"
)

// demoConsole makes the demo's console user (owner of every demo shop) and, so that an order can
// be shipped from the browser at once, a Los Angeles warehouse with every demo SKU in stock for
// the US demo shop. It reuses both on later runs and returns the lines to print.
func (a *App) demoConsole(ctx context.Context, shopIDs []string) (func(host string) string, error) {
	for _, id := range shopIDs {
		if _, _, err := a.Accounts.CreateUser(ctx, demoEmail, demoPassword, id, model.RoleOwner); err != nil {
			return nil, fmt.Errorf("demo console user: %w", err)
		}
	}
	const us = "shop_demo_us"
	sc := model.Scope{ShopIDs: []string{us}}
	whs, err := a.Inventory.ListWarehouses(ctx, sc)
	if err != nil {
		return nil, fmt.Errorf("demo warehouse: %w", err)
	}
	if len(whs) == 0 {
		addr := model.Address{Name: "Demo Fulfilment", Line1: "1 Warehouse Way", City: "Los Angeles", Region: "CA",
			PostalCode: "90001", Country: "US", Phone: "+13105550100"}
		wh, err := a.Inventory.CreateWarehouse(ctx, sc, model.Warehouse{ShopID: us, Code: "LAX1", Name: "Demo Los Angeles",
			Type: model.WarehouseOverseas, Address: addr, ShipFrom: addr, ReturnAddress: addr, TimeZone: "America/Los_Angeles",
			CutOff: "14:00", WorkingDays: []string{"mon", "tue", "wed", "thu", "fri"},
			Transit: []model.TransitRule{{Country: "US", MinDays: 3, MaxDays: 5, Service: "ground"}}})
		if err != nil && !errors.Is(err, model.ErrConflict) {
			return nil, fmt.Errorf("demo warehouse: %w", err)
		}
		onHand := int64(10_000)
		for _, sku := range demo.SKUs() {
			if _, err := a.Inventory.SetStock(ctx, sc, wh.ID, sku, inventory.Target{OnHand: &onHand, Reason: "count"}); err != nil {
				return nil, fmt.Errorf("demo stock %s: %w", sku, err)
			}
		}
	}
	return func(host string) string {
		return fmt.Sprintf(`
Console (in a browser; English or 中文): http://%s/
  email %s, password %s (the US demo shop can ship at once)
`, host, demoEmail, demoPassword)
	}, nil
}
