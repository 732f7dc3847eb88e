package returns

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"lastmile/internal/carrier"
	"lastmile/internal/i18n"
	"lastmile/internal/label"
	"lastmile/internal/model"
	"lastmile/internal/rating"
)

// This file is the pure part of return labels (R-RET-3, R-RET-4): which carrier and service
// carry a return, what the parcel is, and what lastmile's own label prints.

// serviceChoice is the carrier service chosen for a return, with the cards' price when known.
type serviceChoice struct {
	carrier, service string
	cost             *model.Money
	designated       bool
	// note says why a designated carrier carries it though the shop did not enable it.
	note string
}

// chooseService picks the return's carrier and service from the quotes of the way back: the
// market's designated carrier when one applies (R-RET-4), priced or not, even one the shop's
// carriers setting leaves out (note then says so); else the cheapest priced service of a carrier
// certified in the market (R-SHIP-3) and enabled by the shop's carriers setting (enabled, empty:
// every carrier), as outbound rating filters carrier_disabled. ok is false when nothing can
// carry it.
func chooseService(quotes []rating.QuoteJSON, market string, d *Designation, certs carrier.Certification, enabled []string) (serviceChoice, bool) {
	if d != nil {
		c := serviceChoice{carrier: d.Carrier, service: d.Service, designated: true}
		for _, q := range quotes {
			if q.Carrier == d.Carrier && q.Service == d.Service && q.Total != nil {
				t := *q.Total
				c.cost = &t
			}
		}
		if len(enabled) > 0 && !slices.Contains(enabled, d.Carrier) {
			c.note = i18n.T(i18n.EN, "returns.designated_not_enabled", i18n.Args{"carrier": d.Carrier, "service": d.Service,
				"market": market, "enabled": strings.Join(enabled, ", ")})
		}
		return c, true
	}
	var best *rating.QuoteJSON
	for i := range quotes {
		q := &quotes[i]
		if q.Total == nil || certs.Check(market, q.Carrier) != nil || (len(enabled) > 0 && !slices.Contains(enabled, q.Carrier)) {
			continue
		}
		if best == nil || q.Total.Amount < best.Total.Amount ||
			(q.Total.Amount == best.Total.Amount && cmp.Or(strings.Compare(q.Carrier, best.Carrier), strings.Compare(q.Service, best.Service)) < 0) {
			best = q
		}
	}
	if best == nil {
		return serviceChoice{}, false
	}
	t := *best.Total
	return serviceChoice{carrier: best.Carrier, service: best.Service, cost: &t}, true
}

// designation is the designated return carrier for an order of market that shipped in mode,
// or nil (R-RET-4).
func designation(cfg Config, market model.Market, mode model.ShippingMode) *Designation {
	d, ok := cfg.DesignatedCarriers[model.NormalizeMarket(string(market))]
	if !ok || (d.PlatformOnly && mode != model.ModePlatform) {
		return nil
	}
	return &d
}

// returnLines are the order's lines with the returned quantities: what the parcel holds.
func returnLines(o *model.Order, lines []model.ReturnLine) []model.Line {
	var out []model.Line
	for _, rl := range lines {
		for _, l := range o.Lines {
			if l.SKU == rl.SKU {
				l.Quantity = rl.Quantity
				out = append(out, l)
				break
			}
		}
	}
	return out
}

// parcelOf is the returned goods as one parcel: their weight, and when every line has sizes,
// the longest length and width with the heights stacked.
func parcelOf(lines []model.Line) carrier.Parcel {
	var p carrier.Parcel
	dims := len(lines) > 0
	for _, l := range lines {
		p.WeightG += l.WeightG * l.Quantity
		if l.LengthMM <= 0 || l.WidthMM <= 0 || l.HeightMM <= 0 {
			dims = false
		}
		p.LengthMM = max(p.LengthMM, l.LengthMM)
		p.WidthMM = max(p.WidthMM, l.WidthMM)
		p.HeightMM += l.HeightMM * l.Quantity
	}
	if !dims {
		p.LengthMM, p.WidthMM, p.HeightMM = 0, 0, 0
	}
	return p
}

// buyerAddress is where the return leaves from: the order's shipping address, with the buyer's
// phone when the address has none.
func buyerAddress(o *model.Order) model.Address {
	a := o.ShippingAddress
	if a.Phone == "" {
		a.Phone = o.Buyer.Phone
	}
	if a.Name == "" {
		a.Name = o.Buyer.Name
	}
	return a
}

// returnAddress is the warehouse's return address (R-RET-3), named after the warehouse when it
// has no name of its own.
func returnAddress(w *model.Warehouse) model.Address {
	a := w.ReturnAddress
	if strings.TrimSpace(a.Name) == "" {
		a.Name = w.Name
	}
	return a
}

// purchaseRequest is the carrier's purchase of return label sh: from the buyer to the return
// warehouse, the RMA (the return's id) as the order number, customs only if the way back crosses
// a border. sh.ID is the idempotency key.
func purchaseRequest(r *model.Return, o *model.Order, sh *model.ReturnShipment, lines []model.Line) carrier.PurchaseRequest {
	req := carrier.PurchaseRequest{
		IdempotencyKey: sh.ID, Reference: r.ID, OrderNumber: r.ID, Service: sh.Service,
		From: buyerAddress(o), To: sh.To, Parcel: parcelOf(lines), Declared: r.Value,
	}
	if req.From.Country != req.To.Country {
		for _, l := range lines {
			req.Customs = append(req.Customs, carrier.CustomsItem{Description: l.DeclaredName, Quantity: int(l.Quantity),
				Value: model.Money{Amount: l.UnitPrice.Amount * l.Quantity, Currency: l.UnitPrice.Currency}, WeightG: l.WeightG * l.Quantity,
				HasBattery: l.HasBattery})
		}
	}
	return req
}

// labelOf is lastmile's own return label (R-LBL-3): the buyer as sender, the return warehouse
// as recipient, the RMA in the order number's place, so the warehouse's scan of either barcode
// finds the return.
func labelOf(r *model.Return, o *model.Order, sh *model.ReturnShipment, lines []model.Line, numbers string, d *carrier.LabelData) label.Label {
	l := label.Label{TrackingNumber: sh.TrackingNumber, Carrier: numbers, OrderExternalID: r.ID, PackageIndex: 1, PackageCount: 1,
		WeightG: parcelOf(lines).WeightG, From: buyerAddress(o), To: sh.To}
	if d != nil {
		l.Service, l.SortCode = d.ServiceName, d.SortCode
	}
	for _, ol := range lines {
		l.HasBattery = l.HasBattery || ol.HasBattery
	}
	if l.From.Country != "" && l.From.Country != l.To.Country {
		var names []string
		for _, ol := range lines {
			if ol.DeclaredName != "" && !slices.Contains(names, ol.DeclaredName) {
				names = append(names, ol.DeclaredName)
			}
		}
		l.Customs = &label.Customs{Contents: strings.Join(names, ", "), Value: r.Value}
	}
	// R-LBL-5: the anti-counterfeit QR identifies the parcel where the market wants one.
	qr := "LM:" + r.ID
	l.AntiCounterfeitQR = &qr
	return l
}

// failure is a return label that could not be bought, and why.
func failure(code, field, format string, args ...any) *model.FieldError {
	return &model.FieldError{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}
