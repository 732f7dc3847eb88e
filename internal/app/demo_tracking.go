package app

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"lastmile/internal/demo"
	"lastmile/internal/ident"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/store"
	"lastmile/internal/tracking"
)

// demoParcels is how many parcels the demo sends on their way.
const demoParcels = 24

// demoTracking gives the US demo shop parcels with a week of tracking behind them: orders paid
// over the last six days, each with a labelled USPS parcel whose carrier events came in through the
// tracking service. Most are delivered or moving, a few went quiet more than 72 h ago (stale,
// R-TRK-5) and one was lost; a sweep then raises their alerts and exceptions, and the week's
// scores have something to show.
func (a *App) demoTracking(ctx context.Context, shopIDs []string, gen *demo.Generator, rng *rand.Rand) error {
	// USPS carries them, so they are the US demo shop's, sent from its warehouse.
	const market = model.Market("US")
	shopID := ""
	for i, m := range demo.Markets {
		if m == market && i < len(shopIDs) {
			shopID = shopIDs[i]
		}
	}
	if shopID == "" {
		return nil
	}
	scope := model.Scope{ShopIDs: []string{shopID}}
	whs, err := a.Inventory.ListWarehouses(ctx, scope)
	if err != nil || len(whs) == 0 {
		return fmt.Errorf("demo parcels need the US demo warehouse: %w", err)
	}
	now := a.now().UTC()
	for i := range demoParcels {
		age := time.Duration(6*24*(demoParcels-i)/demoParcels) * time.Hour // 6 days down to a few hours
		paid := now.Add(-age)
		o := gen.Order(market, paid)
		o.ShopID = shopID
		o.ExternalID = fmt.Sprintf("demo-parcel-%d-%d", now.Unix(), i)
		res, err := a.Orders.Upsert(ctx, scope, []model.Order{o}, order.CauseDemo)
		if err != nil {
			return err
		}
		if res[0].Err != nil || res[0].Order.NeedsAttention {
			continue
		}
		o = res[0].Order
		if o, err = a.Orders.Confirm(ctx, scope, o.ID, order.CauseDemo); err != nil {
			continue
		}
		// The demo's seller confirmed half an hour after payment, back then (R-ORD-3).
		confirmed := paid.Add(30 * time.Minute)
		if o, err = a.Store.UpdateOrder(ctx, []string{o.ShopID}, o.ID, func(o *model.Order) (bool, error) {
			o.ConfirmedAt = &confirmed
			return true, nil
		}); err != nil {
			return err
		}
		number := fmt.Sprintf("9400%018d", rng.Uint64()%1_000_000_000_000_000_000)
		bought := paid.Add(2 * time.Hour)
		if err := a.demoLabel(ctx, o, whs[0].ID, number, bought); err != nil {
			return err
		}
		events := demoJourney(number, bought, now, i)
		if _, err := a.Tracker.Ingest(ctx, []string{o.ShopID}, events); err != nil {
			return err
		}
	}
	_, err = a.Tracker.Sweep(ctx)
	return err
}

// demoLabel records, as history, that o was packed whole at warehouse whID and labelled at
// bought: one package with every line and its shipment, the order then awaiting collection as
// after a real purchase, so that nothing ships it again.
func (a *App) demoLabel(ctx context.Context, o model.Order, whID, number string, bought time.Time) error {
	lines := make([]model.PackageLine, len(o.Lines))
	for i, l := range o.Lines {
		lines[i] = model.PackageLine{SKU: l.SKU, Quantity: l.Quantity}
	}
	p := model.Package{ID: ident.New("pkg", bought), ShopID: o.ShopID, OrderID: o.ID, WarehouseID: whID,
		Lines: lines, WeightG: 500, Mode: model.ModeSeller, CreatedAt: bought}
	sh := model.Shipment{ID: ident.New("shp", bought), ShopID: o.ShopID, OrderID: o.ID, PackageID: p.ID, Status: model.ShipmentLabelPurchased,
		Mode: model.ModeSeller, Carrier: "usps", Service: "ground_advantage", TrackingNumber: number, LabelFormat: "pdf",
		CreatedAt: bought, PurchasedAt: &bought, UpdatedAt: bought}
	_, err := a.Store.ChangeShipping(ctx, []string{o.ShopID}, o.ID, func(st store.ShippingState) (store.ShippingChange, error) {
		ch := store.ShippingChange{NewPackages: []model.Package{p}, Shipments: []model.Shipment{sh}}
		o := st.Order
		if err := order.Transition(&o, model.StatusAwaitingCollection, bought, order.CauseDemo, "every package has its label"); err != nil {
			return ch, err
		}
		ch.Order, ch.OrderChanged = o, true
		return ch, nil
	})
	return err
}

// demoQuietFor is how long before now a quiet demo parcel had its last scan, where its age allows:
// past R-TRK-5's 72 h, so that it is stale, but within old_breach_grace (24 h) of the breach,
// so that the first sweep treats it as today's problem (an exception) and not as history.
const demoQuietFor = 84 * time.Hour

// demoJourney is parcel i's USPS events up to now: every eighth goes quiet after its third scan
// (its scans spread so the last came demoQuietFor ago, if it is that old: stale), the eleventh
// is lost, the rest move a step every 14 h and are delivered on the fifth.
func demoJourney(number string, bought, now time.Time, i int) []tracking.Event {
	ev := func(code string, at time.Time) tracking.Event {
		return tracking.Event{TrackingNumber: number, Carrier: "usps", RawCode: code, OccurredAt: at,
			Location: tracking.Location{City: "Reno", Region: "NV", Country: "US"}}
	}
	steps := []string{"GX", "OA", "L1", "10", "OF", "01"}
	switch {
	case i%8 == 1:
		steps = steps[:3]
	case i == 11:
		steps = []string{"GX", "OA", "L1", "LS"}
	}
	step := 14 * time.Hour
	if quiet := i%8 == 1; quiet && now.Sub(bought) > demoQuietFor {
		step = (now.Sub(bought) - demoQuietFor) / time.Duration(len(steps)-1)
	}
	var out []tracking.Event
	at := bought
	for _, code := range steps {
		if at.After(now) {
			break
		}
		out = append(out, ev(code, at))
		at = at.Add(step)
	}
	return out
}
