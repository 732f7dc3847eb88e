package shipping

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/label"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/store"
	"lastmile/internal/trackno"
)

// purchase is a label bought for a shipment, ready to be stored.
type purchase struct {
	carrier, service string
	tracking         string
	carrierRef       string
	cost             *model.Cost
	at               time.Time
	docs             []model.LabelDocument
	// failure, when set, is why the label cannot be used after all (its number fails R-SHIP-4,
	// it cannot be printed): the shipment fails and the label is voided.
	failure *model.FieldError
}

// buy buys the label of shipment sh (status created) and stores it: the carrier's (or the
// platform's) purchase with sh.ID as the idempotency key, the number check (R-SHIP-4), the
// document or lastmile's own rendering, then one store step that records all of it and, when
// every package is labelled, moves the order to AWAITING_COLLECTION. A transient failure is
// returned as it is (the shipment stays created for the retry); a refusal fails the shipment
// with the reason.
func (s *Service) buy(ctx context.Context, scope model.Scope, st store.ShippingState, sh model.Shipment, whs map[string]model.Warehouse, batch *batchRef) (store.ShippingState, error) {
	pkgs := currentPackages(st) // a package superseded by the marketplace's repacking is not counted
	pkg, idx := packageByID(pkgs, sh.PackageID)
	if idx < 0 {
		return st, fmt.Errorf("shipment %s: package %s not loaded", sh.ID, sh.PackageID)
	}
	wh, ok := whs[pkg.WarehouseID]
	if !ok {
		return st, refuse(st.Order.ID, RefusedWarehouse, "warehouse_id", true, "warehouse %s of package %s no longer exists", pkg.WarehouseID, pkg.ID)
	}
	ref := labelRef{order: &st.Order, pkg: &pkg, wh: &wh, index: idx + 1, count: len(pkgs)}
	// Never buy a label that cannot be printed: check the label's content first.
	if sh.Mode == model.ModeSeller {
		if fe := precheck(ref); fe != nil {
			return s.fail(ctx, scope, st.Order.ID, sh.ID, fe, batch, nil)
		}
	}
	var p purchase
	var err error
	if sh.Mode == model.ModePlatform {
		p, err = s.buyPlatform(ctx, st.Order, pkg, sh)
	} else {
		p, err = s.buyCarrier(ctx, ref, sh)
	}
	if err != nil {
		var ce *carrier.Error
		if errors.As(err, &ce) && (ce.Kind == carrier.Refused || ce.Kind == carrier.Auth) {
			fe := &model.FieldError{Code: RefusedByCarrier, Field: ce.Field, Message: ce.Error()}
			if ce.Kind == carrier.Auth {
				fe.Code = "carrier_auth"
				fe.Message += "; fix the carrier account's credentials in the configuration"
			}
			return s.fail(ctx, scope, st.Order.ID, sh.ID, fe, batch, nil)
		}
		return st, err
	}
	if p.failure != nil {
		return s.fail(ctx, scope, st.Order.ID, sh.ID, p.failure, batch, &p)
	}
	return s.record(ctx, scope, st.Order.ID, sh.ID, p, batch)
}

// buyCarrier buys the label from the shipment's carrier and renders lastmile's own label when
// the carrier returns data.
func (s *Service) buyCarrier(ctx context.Context, ref labelRef, sh model.Shipment) (purchase, error) {
	c, ok := s.d.Carriers.Get(sh.Carrier)
	if !ok {
		return purchase{}, refuse(ref.order.ID, RefusedNoCarrier, "carrier", false,
			"carrier %q has no account configured here any more; configure it or void the shipment", sh.Carrier)
	}
	svc, ok := carrier.ServiceByCode(c, sh.Service)
	if !ok {
		return purchase{}, refuse(ref.order.ID, RefusedNoService, "service", false, "carrier %s no longer offers service %q", sh.Carrier, sh.Service)
	}
	release, err := s.slot(ctx, sh.Carrier)
	if err != nil {
		return purchase{}, err
	}
	req := purchaseRequest(ref, sh, s.clock())
	req.LabelFormat = preferredFormat(svc)
	l, err := s.purchase(ctx, c, req, release)
	if err != nil {
		return purchase{}, err
	}
	p := purchase{carrier: l.Carrier, service: l.Service, carrierRef: l.CarrierShipmentID, at: l.PurchasedAt.UTC(),
		cost: &model.Cost{Total: l.Charge}}
	for _, cl := range l.Lines {
		p.cost.Lines = append(p.cost.Lines, model.CostLine{Kind: string(cl.Kind), Name: cl.Name, Amount: cl.Amount})
	}
	// R-SHIP-4: a number the platform would drop is refused here, before anyone prints it.
	chk := trackno.CheckAs(l.TrackingNumber, svc.Numbers)
	if !chk.Valid {
		p.tracking = l.TrackingNumber
		p.failure = &model.FieldError{Code: RefusedTrackingCheck, Field: "tracking_number",
			Message: fmt.Sprintf("carrier %s issued tracking number %q, which fails the check (R-SHIP-4): %s; the label was voided, ship the order again",
				sh.Carrier, l.TrackingNumber, chk.Message)}
		return p, nil
	}
	p.tracking = chk.Normalized
	now := s.clock()
	switch {
	case l.Document != nil:
		// R-SHIP-2: the carrier's label is kept as it came.
		p.docs = append(p.docs, model.LabelDocument{ShipmentID: sh.ID, Format: string(l.Document.Format),
			ContentType: contentType(string(l.Document.Format)), Content: l.Document.Content, CreatedAt: now})
	case l.Data != nil:
		data := labelDataOf(l.Data, string(svc.Numbers))
		doc, fe := renderDocument(ref, sh.ID, p.tracking, data, formatZPL, label.DPI203, now)
		if fe != nil {
			p.failure = fe
			return p, nil
		}
		p.docs = append(p.docs, dataDocument(sh.ID, data, now), doc)
	default:
		p.failure = &model.FieldError{Code: RefusedLabel, Field: "label",
			Message: fmt.Sprintf("carrier %s returned neither a label document nor label data", sh.Carrier)}
	}
	return p, nil
}

// buyPlatform has the platform ship the package and issue its label (R-MODE-2).
func (s *Service) buyPlatform(ctx context.Context, o model.Order, pkg model.Package, sh model.Shipment) (purchase, error) {
	pl, err := s.d.Platform.PlatformLabel(ctx, sh.ID, o, pkg)
	if err != nil {
		return purchase{}, err
	}
	p := purchase{carrier: pl.Carrier, service: pl.Service, at: s.clock()}
	// The platform's number is the platform's own: its format need not be one trackno knows
	// (a platform carrier's), but it must still be a clean number (R-SHIP-4).
	norm, err := trackno.Normalize(pl.TrackingNumber)
	if err != nil {
		p.tracking = pl.TrackingNumber
		p.failure = &model.FieldError{Code: RefusedTrackingCheck, Field: "tracking_number",
			Message: fmt.Sprintf("the platform issued tracking number %q, which fails the check (R-SHIP-4): %v", pl.TrackingNumber, err)}
		return p, nil
	}
	p.tracking = norm
	p.docs = []model.LabelDocument{{ShipmentID: sh.ID, Format: string(pl.Document.Format), ContentType: contentType(string(pl.Document.Format)),
		Content: pl.Document.Content, CreatedAt: p.at}}
	return p, nil
}

// record records a bought label on its shipment (one transaction with the order's change and
// the batch item's outcome). A shipment that is no longer waiting for its label (voided or
// failed meanwhile) keeps its status, and the label just bought is voided.
func (s *Service) record(ctx context.Context, scope model.Scope, orderID, shipmentID string, p purchase, batch *batchRef) (store.ShippingState, error) {
	now := s.clock()
	orphan := false
	st, err := s.d.Shipping.ChangeShipping(ctx, scope.ShopIDs, orderID, func(st store.ShippingState) (store.ShippingChange, error) {
		var ch store.ShippingChange
		i := shipmentIndex(st.Shipments, shipmentID)
		if i < 0 {
			return ch, fmt.Errorf("shipment %s of order %s: %w", shipmentID, orderID, model.ErrNotFound)
		}
		sh := st.Shipments[i]
		if sh.Status != model.ShipmentCreated {
			orphan = sh.Status != model.ShipmentLabelPurchased || sh.TrackingNumber != p.tracking
			if !orphan && batch != nil && allLabelled(currentPackages(st), st.Shipments) {
				// Another run recorded this very label first (two batches holding the same
				// order, each buying it with the shipment's idempotency key): this batch's
				// item still needs its outcome, or the batch would never finish.
				ch.BatchItem = doneItem(batch, st)
			}
			return ch, nil
		}
		sh.Status, sh.TrackingNumber, sh.CarrierShipmentID, sh.Cost = model.ShipmentLabelPurchased, p.tracking, p.carrierRef, p.cost
		if sh.Mode == model.ModePlatform {
			sh.Carrier, sh.Service = p.carrier, p.service
		}
		sh.PurchasedAt, sh.UpdatedAt = &p.at, now
		sh.LabelFormat = labelFormat(p.docs)
		st.Shipments[i] = sh
		ch.Shipments = []model.Shipment{sh}
		ch.Documents = p.docs
		ev, err := shipmentEvent(model.EventShipmentPurchased, sh)
		if err != nil {
			return ch, err
		}
		ch.Jobs = append(ch.Jobs, ev)
		if s.d.FollowUp != nil {
			jobs, err := s.d.FollowUp(st.Order, sh)
			if err != nil {
				return ch, fmt.Errorf("follow-up of shipment %s: %w", sh.ID, err)
			}
			ch.Jobs = append(ch.Jobs, jobs...)
		}
		if allLabelled(currentPackages(st), st.Shipments) {
			o := st.Order
			if o.Status == model.StatusAwaitingShipment || o.Status == model.StatusPartiallyShipping {
				if err := order.Transition(&o, model.StatusAwaitingCollection, now, actor(scope), "every package has its label"); err != nil {
					return ch, err
				}
				ch.Order, ch.OrderChanged = o, true
			}
			if batch != nil {
				item := itemFor(batch, o.ID, liveShipments(st.Shipments))
				item.Outcome = model.ItemShipped
				ch.BatchItem = item
			}
		}
		return ch, nil
	})
	if err != nil {
		return st, err
	}
	if orphan {
		s.voidQuietly(ctx, shipmentID, p)
		if batch != nil {
			// The shipment was voided or failed while its label was bought: the job runs
			// again, and plans the package anew or records the order's outcome.
			return st, fmt.Errorf("shipment %s of order %s changed while its label was bought; trying the order again", shipmentID, orderID)
		}
	}
	if st.Order.Status == model.StatusAwaitingCollection {
		// The stock leaves the shelf; the settler's sweep does it later if this fails.
		if _, err := s.d.Inventory.Settle(ctx, scope.ShopIDs, orderID); err != nil {
			s.d.Log.Warn("settle stock after labels", "order_id", orderID, "err", err)
		}
	}
	return st, nil
}

// fail marks the shipment failed with why, and records the batch item as failed. A label that
// was bought (p not nil) is voided so it is not charged.
func (s *Service) fail(ctx context.Context, scope model.Scope, orderID, shipmentID string, why *model.FieldError, batch *batchRef, p *purchase) (store.ShippingState, error) {
	now := s.clock()
	st, err := s.d.Shipping.ChangeShipping(ctx, scope.ShopIDs, orderID, func(st store.ShippingState) (store.ShippingChange, error) {
		var ch store.ShippingChange
		i := shipmentIndex(st.Shipments, shipmentID)
		if i < 0 || st.Shipments[i].Status != model.ShipmentCreated {
			return ch, nil
		}
		sh := st.Shipments[i]
		sh.Status, sh.Failure, sh.UpdatedAt = model.ShipmentFailed, why, now
		if p != nil {
			sh.TrackingNumber, sh.CarrierShipmentID = p.tracking, p.carrierRef
		}
		ch.Shipments = []model.Shipment{sh}
		if batch != nil {
			item := itemFor(batch, orderID, nil)
			item.Outcome, item.Error = model.ItemFailed, why
			ch.BatchItem = item
		}
		return ch, nil
	})
	if err != nil {
		return st, err
	}
	if p != nil && p.tracking != "" {
		s.voidQuietly(ctx, shipmentID, *p)
	}
	return st, &RefusalError{OrderID: orderID, Code: why.Code, Field: why.Field, Message: why.Message}
}

// voidQuietly voids a label lastmile will not use, logging a failure: the shipment already
// says why, and an operator can void it by hand.
func (s *Service) voidQuietly(ctx context.Context, shipmentID string, p purchase) {
	c, ok := s.d.Carriers.Get(p.carrier)
	if !ok || !c.Capabilities().Has(carrier.CanVoid) {
		return
	}
	if _, err := c.Void(ctx, carrier.VoidRequest{TrackingNumber: p.tracking, CarrierShipmentID: p.carrierRef, IdempotencyKey: "void-" + shipmentID}); err != nil {
		s.d.Log.Warn("void an unusable label", "shipment_id", shipmentID, "carrier", p.carrier, "tracking_number", p.tracking, "err", err)
	}
}

func shipmentIndex(shs []model.Shipment, id string) int {
	for i := range shs {
		if shs[i].ID == id {
			return i
		}
	}
	return -1
}

// labelFormat is the format of the label as issued: the carrier's document's, or "data".
func labelFormat(docs []model.LabelDocument) string {
	for _, d := range docs {
		if d.Format == formatData {
			return formatData
		}
	}
	if len(docs) > 0 {
		return docs[0].Format
	}
	return ""
}

// purchaseRequest is the carrier's purchase of shipment sh: the package's parcel, the
// warehouse's sender address, the buyer's address, customs for a cross-border parcel (R-SHIP-6)
// and the COD amount (R-MKT-2). sh.ID is the idempotency key.
func purchaseRequest(ref labelRef, sh model.Shipment, now time.Time) carrier.PurchaseRequest {
	o, pkg, wh := ref.order, ref.pkg, ref.wh
	to := o.ShippingAddress
	if to.Phone == "" {
		to.Phone = o.Buyer.Phone
	}
	req := carrier.PurchaseRequest{
		IdempotencyKey: sh.ID,
		Reference:      pkg.ID,
		OrderNumber:    o.ExternalID,
		Service:        sh.Service,
		From:           senderOf(wh),
		To:             to,
		Parcel:         carrier.Parcel{WeightG: pkg.WeightG, LengthMM: pkg.LengthMM, WidthMM: pkg.WidthMM, HeightMM: pkg.HeightMM},
		Declared:       model.Money{Currency: o.Currency},
		ShipDate:       now,
	}
	for _, l := range packageLines(o, allocationOf(pkg)) {
		v := l.UnitPrice.Amount * l.Quantity
		req.Declared.Amount += v
		if req.From.Country != to.Country {
			req.Customs = append(req.Customs, carrier.CustomsItem{Description: l.DeclaredName, Quantity: int(l.Quantity),
				Value: model.Money{Amount: v, Currency: l.UnitPrice.Currency}, WeightG: l.WeightG * l.Quantity, HasBattery: l.HasBattery})
		}
	}
	if pkg.COD != nil {
		req.COD = *pkg.COD // R-MKT-2
	}
	return req
}

// allocationOf is the package's lines as an allocation, for packageLines.
func allocationOf(p *model.Package) model.Allocation {
	a := model.Allocation{WarehouseID: p.WarehouseID}
	for _, l := range p.Lines {
		a.Lines = append(a.Lines, model.StockLine{SKU: l.SKU, Quantity: l.Quantity})
	}
	return a
}

// senderOf is the sender printed on labels (R-LBL-3): the warehouse's ship-from address, or its
// own address.
func senderOf(w *model.Warehouse) model.Address {
	if strings.TrimSpace(w.ShipFrom.Line1) != "" {
		return w.ShipFrom
	}
	a := w.Address
	if a.Name == "" {
		a.Name = w.Name
	}
	return a
}
