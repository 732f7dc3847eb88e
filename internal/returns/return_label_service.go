package returns

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/label"
	"lastmile/internal/label/render"
	"lastmile/internal/model"
	"lastmile/internal/store"
	"lastmile/internal/trackno"
)

// Label document formats: a carrier's own document keeps its format; "data" is the carrier's
// label data, from which lastmile renders its own label.
const (
	formatData = "data"
	formatZPL  = "zpl"
	formatPDF  = "pdf"
)

// BuyLabel buys the return label a.ShipmentID of a return (R-RET-3, R-RET-4): the shipment was
// stored (status created) before, and its id is the carrier's idempotency key, so a retry after
// any failure gets the same label back and never a second one. The label is checked (R-SHIP-4)
// and kept as the carrier issued it, or rendered by lastmile from the carrier's data (R-LBL). A
// refusal fails the shipment with the reason; a transient error is returned for a retry.
func (s *Service) BuyLabel(ctx context.Context, a BuyLabelArgs) (model.Return, error) {
	r, err := s.d.Store.GetReturn(ctx, []string{a.ShopID}, a.ReturnID)
	if errors.Is(err, model.ErrNotFound) {
		return r, permanent{err}
	}
	if err != nil {
		return r, err
	}
	i := slices.IndexFunc(r.Shipments, func(sh model.ReturnShipment) bool { return sh.ID == a.ShipmentID })
	if i < 0 {
		return r, permanent{fmt.Errorf("return %s has no label %s", r.ID, a.ShipmentID)}
	}
	sh := r.Shipments[i]
	if sh.Status != model.ShipmentCreated {
		return r, nil // bought (or failed) before: nothing to do
	}
	if r.Status != model.ReturnAwaitingBuyerShip {
		// Cancelled, rejected or received while the label waited: none is needed any more.
		return s.failLabel(ctx, &r, sh.ID, failure("label_not_needed", "status",
			"return %s is %s: no return label is needed any more, and none was bought", r.ID, r.Status))
	}
	o, err := s.d.Store.GetOrder(ctx, []string{r.ShopID}, r.OrderID)
	if err != nil {
		return r, err
	}
	c, svc, err := s.d.Carriers.Service(sh.Carrier, sh.Service)
	if err != nil {
		return s.failLabel(ctx, &r, sh.ID, failure("carrier_not_configured", "carrier",
			"%v; the return label (R-RET-4) needs carrier %s service %s configured", err, sh.Carrier, sh.Service))
	}
	lines := returnLines(&o, r.Lines)
	req := purchaseRequest(&r, &o, &sh, lines)
	req.ShipDate = s.clock()
	cctx, cancel := context.WithTimeout(ctx, s.cfg.PurchaseTimeout)
	l, err := c.Purchase(cctx, req)
	cancel()
	if err != nil {
		var ce *carrier.Error
		if errors.As(err, &ce) && (ce.Kind == carrier.Refused || ce.Kind == carrier.Auth) {
			return s.failLabel(ctx, &r, sh.ID, &model.FieldError{Code: "carrier_refused", Field: ce.Field, Message: ce.Error()})
		}
		if d := carrier.RetryAfter(err); d > 0 {
			return r, retryAfter{err: err, after: d}
		}
		return r, fmt.Errorf("buy return label %s of return %s: %w", sh.ID, r.ID, err)
	}
	now := s.clock()
	chk := trackno.CheckAs(l.TrackingNumber, svc.Numbers)
	if !chk.Valid {
		// R-SHIP-4: a number the carrier's family refuses is not printed; the label is voided.
		s.voidQuietly(ctx, c, sh.ID, l)
		return s.failLabel(ctx, &r, sh.ID, failure("invalid_tracking_number", "tracking_number",
			"carrier %s issued tracking number %q, which fails the check (R-SHIP-4): %s; the label was voided, decide the return again",
			sh.Carrier, l.TrackingNumber, chk.Message))
	}
	sh.Status, sh.TrackingNumber, sh.CarrierShipmentID = model.ShipmentLabelPurchased, chk.Normalized, l.CarrierShipmentID
	cost := l.Charge
	sh.Cost, sh.PurchasedAt, sh.UpdatedAt = &cost, &now, now
	var docs []model.LabelDocument
	switch {
	case l.Document != nil:
		sh.LabelFormat = string(l.Document.Format)
		docs = append(docs, model.LabelDocument{ShipmentID: sh.ID, Format: sh.LabelFormat, ContentType: contentType(sh.LabelFormat),
			Content: l.Document.Content, CreatedAt: now})
	case l.Data != nil:
		sh.LabelFormat = formatData
		lab := labelOf(&r, &o, &sh, lines, string(svc.Numbers), l.Data)
		doc, fe := renderLabel(sh.ID, lab, formatZPL, label.DPI203, now)
		if fe != nil {
			s.voidQuietly(ctx, c, sh.ID, l)
			return s.failLabel(ctx, &r, sh.ID, fe)
		}
		data, _ := json.Marshal(lab) // a label.Label always encodes
		docs = append(docs, model.LabelDocument{ShipmentID: sh.ID, Format: formatData, ContentType: "application/json", Content: data, CreatedAt: now}, doc)
	default:
		return s.failLabel(ctx, &r, sh.ID, failure("label_missing", "label", "carrier %s returned neither a label document nor label data", sh.Carrier))
	}
	return s.d.Store.ChangeReturn(ctx, []string{r.ShopID}, r.ID, func(r model.Return) (store.ReturnChange, error) {
		j := slices.IndexFunc(r.Shipments, func(x model.ReturnShipment) bool { return x.ID == sh.ID })
		if j < 0 || r.Shipments[j].Status != model.ShipmentCreated {
			return store.ReturnChange{}, nil // recorded by another run of this job
		}
		r.Shipments[j] = sh
		r.History = append(r.History, model.ReturnEvent{At: now, Kind: EventLabel, Cause: "lastmile",
			Reason: fmt.Sprintf("return label %s %s %s to warehouse %s", sh.Carrier, sh.Service, sh.TrackingNumber, sh.WarehouseID)})
		ch, err := s.changed(r, now, nil)
		ch.Documents = docs
		return ch, err
	})
}

// failLabel marks the return label failed with why; the job gives up (a retry would be refused
// the same way).
func (s *Service) failLabel(ctx context.Context, r *model.Return, shipmentID string, why *model.FieldError) (model.Return, error) {
	out, err := s.d.Store.ChangeReturn(ctx, []string{r.ShopID}, r.ID, func(r model.Return) (store.ReturnChange, error) {
		j := slices.IndexFunc(r.Shipments, func(x model.ReturnShipment) bool { return x.ID == shipmentID })
		if j < 0 || r.Shipments[j].Status != model.ShipmentCreated {
			return store.ReturnChange{}, nil
		}
		now := s.clock()
		r.Shipments[j].Status, r.Shipments[j].Failure, r.Shipments[j].UpdatedAt = model.ShipmentFailed, why, now
		r.History = append(r.History, model.ReturnEvent{At: now, Kind: EventLabel, Cause: "lastmile", Reason: "no return label: " + why.Message})
		return s.changed(r, now, nil)
	})
	if err != nil {
		return out, err
	}
	return out, permanent{fmt.Errorf("return label %s of return %s: %s", shipmentID, r.ID, why.Message)}
}

// voidQuietly voids a label lastmile will not use, logging a failure.
func (s *Service) voidQuietly(ctx context.Context, c carrier.Carrier, shipmentID string, l carrier.Label) {
	if !c.Capabilities().Has(carrier.CanVoid) {
		return
	}
	if _, err := c.Void(ctx, carrier.VoidRequest{TrackingNumber: l.TrackingNumber, CarrierShipmentID: l.CarrierShipmentID,
		IdempotencyKey: "void-" + shipmentID}); err != nil {
		s.d.Log.Warn("void an unusable return label", "shipment_id", shipmentID, "carrier", c.Code(), "err", err)
	}
}

// retryAfter asks the job engine to run the job again after a carrier's Retry-After.
type retryAfter struct {
	err   error
	after time.Duration
}

func (e retryAfter) Error() string             { return e.err.Error() }
func (e retryAfter) Unwrap() error             { return e.err }
func (e retryAfter) RetryAfter() time.Duration { return e.after }

// renderLabel renders l; a label that cannot be printed is a field error.
func renderLabel(shipmentID string, l label.Label, format string, dpi int, now time.Time) (model.LabelDocument, *model.FieldError) {
	f, err := render.ParseFormat(format)
	if err != nil {
		return model.LabelDocument{}, &model.FieldError{Code: "format_unsupported", Field: "format", Message: err.Error()}
	}
	p, err := label.Prepare(l, label.Options{DPI: dpi})
	if err != nil {
		return model.LabelDocument{}, &model.FieldError{Code: "label_unrenderable", Field: "label",
			Message: fmt.Sprintf("lastmile could not render the return label: %v", err)}
	}
	var buf bytes.Buffer
	if err := render.Write(context.Background(), &buf, []*label.Prepared{p}, f); err != nil {
		return model.LabelDocument{}, &model.FieldError{Code: "label_unrenderable", Field: "label", Message: err.Error()}
	}
	return model.LabelDocument{ShipmentID: shipmentID, Format: format, DPI: dpi, ContentType: f.ContentType(), Content: buf.Bytes(), CreatedAt: now}, nil
}

func contentType(format string) string {
	switch format {
	case formatPDF:
		return "application/pdf"
	case "png":
		return "image/png"
	case formatZPL:
		return "application/zpl"
	}
	return "application/octet-stream"
}

// Label returns the return's live label in format at dpi (R-LBL-6: the same bytes on every
// call): the carrier's own document as it came (R-SHIP-2), or lastmile's rendering of the
// carrier's data, made the first time a format and resolution is asked for.
func (s *Service) Label(ctx context.Context, scope model.Scope, returnID, format string, dpi int) (model.LabelDocument, error) {
	r, err := s.d.Store.GetReturn(ctx, scope.ShopIDs, returnID)
	if err != nil {
		return model.LabelDocument{}, err
	}
	var sh *model.ReturnShipment
	for i := len(r.Shipments) - 1; i >= 0; i-- {
		if r.Shipments[i].Status.Labelled() {
			sh = &r.Shipments[i]
			break
		}
	}
	if sh == nil {
		why := "no return label was bought for it"
		if n := len(r.Shipments); n > 0 && r.Shipments[n-1].Failure != nil {
			why = "its return label could not be bought: " + r.Shipments[n-1].Failure.Message
		} else if n > 0 && r.Shipments[n-1].Status == model.ShipmentCreated {
			why = "its return label is being bought; ask again in a moment"
		}
		return model.LabelDocument{}, refuse("no_label", "shipments", "return %s has no label: %s", r.ID, why)
	}
	if format == "" {
		format = formatPDF
	}
	if dpi == 0 {
		dpi = label.DPI203
	}
	if sh.LabelFormat != formatData {
		return s.d.Store.GetReturnLabelDocument(ctx, scope.ShopIDs, r.ID, sh.ID, sh.LabelFormat, 0)
	}
	if d, err := s.d.Store.GetReturnLabelDocument(ctx, scope.ShopIDs, r.ID, sh.ID, format, dpi); err == nil {
		return d, nil
	} else if !errors.Is(err, model.ErrNotFound) {
		return model.LabelDocument{}, err
	}
	raw, err := s.d.Store.GetReturnLabelDocument(ctx, scope.ShopIDs, r.ID, sh.ID, formatData, 0)
	if err != nil {
		return model.LabelDocument{}, fmt.Errorf("label data of return label %s: %w", sh.ID, err)
	}
	var lab label.Label
	if err := json.Unmarshal(raw.Content, &lab); err != nil {
		return model.LabelDocument{}, fmt.Errorf("label data of return label %s: %w", sh.ID, err)
	}
	doc, fe := renderLabel(sh.ID, lab, format, dpi, s.clock())
	if fe != nil {
		return model.LabelDocument{}, &model.ValidationError{Problems: []model.FieldError{*fe}}
	}
	return s.d.Store.PutReturnLabelDocument(ctx, r.ID, doc)
}
