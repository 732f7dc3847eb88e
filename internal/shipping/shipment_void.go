package shipping

import (
	"context"
	"fmt"

	"lastmile/internal/carrier"
	"lastmile/internal/model"
	"lastmile/internal/store"
)

// Void cancels a shipment's label before hand-over: the carrier refunds it and the package is
// free for a new label (ship the order again). A shipment still waiting for its label (created)
// is failed instead, so a purchase still in flight is voided when it lands. Voiding a voided
// shipment returns it unchanged; a shipment on a manifest or handed over cannot be voided.
func (s *Service) Void(ctx context.Context, scope model.Scope, shipmentID string) (model.Shipment, error) {
	sh, err := s.d.Shipping.GetShipment(ctx, scope.ShopIDs, shipmentID)
	if err != nil {
		return sh, err
	}
	switch sh.Status {
	case model.ShipmentVoided, model.ShipmentFailed:
		return sh, nil
	case model.ShipmentCreated:
		_, err := s.fail(ctx, scope, sh.OrderID, sh.ID, &model.FieldError{Code: "voided", Message: "voided before its label was bought"}, nil, nil)
		if err != nil && !isRefusal(err) {
			return sh, err
		}
		return s.d.Shipping.GetShipment(ctx, scope.ShopIDs, shipmentID)
	case model.ShipmentLabelPurchased:
	default:
		return sh, refuse(sh.OrderID, "void_too_late", "status", true,
			"shipment %s is %s: a label can be voided only before it is on a manifest and handed over", sh.ID, sh.Status)
	}
	var refund *model.Money
	if sh.Mode == model.ModeSeller {
		c, ok := s.d.Carriers.Get(sh.Carrier)
		if !ok {
			return sh, refuse(sh.OrderID, RefusedNoCarrier, "carrier", false, "carrier %q has no account configured here; void the label with the carrier", sh.Carrier)
		}
		r, err := c.Void(ctx, carrier.VoidRequest{TrackingNumber: sh.TrackingNumber, CarrierShipmentID: sh.CarrierShipmentID, IdempotencyKey: "void-" + sh.ID})
		if err != nil {
			return sh, fmt.Errorf("void shipment %s: %w", sh.ID, err)
		}
		refund = &r.Amount
	}
	now := s.clock()
	st, err := s.d.Shipping.ChangeShipping(ctx, scope.ShopIDs, sh.OrderID, func(st store.ShippingState) (store.ShippingChange, error) {
		i := shipmentIndex(st.Shipments, shipmentID)
		if i < 0 || st.Shipments[i].Status != model.ShipmentLabelPurchased {
			return store.ShippingChange{}, nil
		}
		v := st.Shipments[i]
		v.Status, v.VoidedAt, v.UpdatedAt = model.ShipmentVoided, &now, now
		if refund != nil && v.Cost != nil {
			v.Cost.Lines = append(v.Cost.Lines, model.CostLine{Kind: "refund", Amount: -refund.Amount})
		}
		ev, err := shipmentEvent(model.EventShipmentVoided, v)
		if err != nil {
			return store.ShippingChange{}, err
		}
		return store.ShippingChange{Shipments: []model.Shipment{v}, Jobs: []store.Job{ev}}, nil
	})
	if err != nil {
		return sh, err
	}
	return st.Shipments[shipmentIndex(st.Shipments, shipmentID)], nil
}

func isRefusal(err error) bool {
	_, ok := err.(*RefusalError)
	return ok
}
