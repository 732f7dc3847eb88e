package app

import (
	"context"
	"fmt"

	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/returns"
)

// demoReturnReasons are the causes of the demo's returns, one per delivered parcel, in turn.
var demoReturnReasons = []string{returns.ReasonDamaged, returns.ReasonSizeFit, returns.ReasonNotAsDescribed, returns.ReasonChangedMind}

// demoReturns has a few buyers of the demo's delivered parcels ask for a return, through the
// same service as POST /v1/returns: the shop's rules decide each (refund only, return, or
// review, R-RET-2), and the first one sent back is received and inspected at the warehouse
// (R-RET-5), its line restocked. Their events reach the demo's webhook receiver. It returns how
// many returns it made.
func (a *App) demoReturns(ctx context.Context, shopIDs []string) (int, error) {
	scope := model.Scope{ShopIDs: shopIDs}
	delivered, _, err := a.Orders.List(ctx, scope, order.ListQuery{Statuses: []model.Status{model.StatusDelivered}, Limit: len(demoReturnReasons)})
	if err != nil {
		return 0, fmt.Errorf("demo returns: %w", err)
	}
	made, received := 0, false
	for i, o := range delivered {
		if len(o.Lines) == 0 {
			continue
		}
		l := o.Lines[0]
		r, _, err := a.Returns.Create(ctx, scope, returns.CreateRequest{OrderID: o.ID, Reason: demoReturnReasons[i%len(demoReturnReasons)],
			Lines: []returns.LineRequest{{SKU: l.SKU, Quantity: 1}}, ExternalID: "demo-return-" + o.ExternalID})
		if err != nil {
			a.log.Warn("demo return", "order", o.ID, "err", err)
			continue
		}
		made++
		if received || r.Status != model.ReturnAwaitingBuyerShip {
			continue
		}
		if _, err := a.Returns.Receive(ctx, scope, r.ID, returns.ReceiveRequest{
			Lines: []returns.Inspected{{SKU: l.SKU, Quantity: 1, Outcome: model.InspectRestock, Note: "demo: unworn, tags on"}}}); err != nil {
			a.log.Warn("demo return receipt", "return", r.ID, "err", err)
			continue
		}
		received = true
	}
	return made, nil
}
