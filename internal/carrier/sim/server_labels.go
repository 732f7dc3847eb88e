package sim

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/label"
	"lastmile/internal/model"
)

// handlePurchase is POST /v1/{carrier}/labels: buy a label, idempotent by Idempotency-Key.
// 201 for a new label, 200 for the same label again.
func (n *Network) handlePurchase(w http.ResponseWriter, r *http.Request, p *profile) {
	key, ok := idempotencyKey(w, r, true)
	if !ok {
		return
	}
	var req wirePurchaseRequest
	if !decodeBody(w, r, &req) {
		return
	}
	rec, replay, err := n.purchase(r.Context(), p, key, &req)
	if err != nil {
		writeFailure(w, err)
		return
	}
	out, err := n.labelAnswer(rec)
	if err != nil {
		writeFailure(w, err)
		return
	}
	status := http.StatusCreated
	if replay {
		status = http.StatusOK
	}
	writeJSON(w, status, out)
}

// purchase returns the label of key: the one already sold for it, or a new one. Concurrent
// requests with one key wait for the first, so a key never buys two labels.
func (n *Network) purchase(ctx context.Context, p *profile, key string, req *wirePurchaseRequest) (*labelRec, bool, error) {
	fp := fingerprint(req)
	k := keyOf(p.code, key)
	for {
		n.mu.Lock()
		if rec := n.st.byKey[k]; rec != nil {
			if rec.Fingerprint != fp {
				n.mu.Unlock()
				return nil, false, keyReused(p.code, "purchase")
			}
			n.st.stats(p.code).Replays++
			n.mu.Unlock()
			return rec, true, nil
		}
		if ch, busy := n.inflight[k]; busy {
			n.mu.Unlock()
			select {
			case <-ch:
				continue
			case <-ctx.Done():
				return nil, false, ctx.Err()
			case <-n.closing:
				return nil, false, errClosed
			}
		}
		ch := make(chan struct{})
		n.inflight[k] = ch
		n.mu.Unlock()

		rec, err := n.buy(p, key, fp, req)
		n.mu.Lock()
		delete(n.inflight, k)
		n.mu.Unlock()
		close(ch)
		return rec, false, err
	}
}

// qrPlaceholder stands in for the platform's anti-counterfeit QR (R-LBL-5) when the sim checks
// that lastmile can render the label: the platform issues the QR, not the carrier.
const qrPlaceholder = "LASTMILE-SIM-QR-PLACEHOLDER"

// buy checks and prices a purchase, then issues the label.
func (n *Network) buy(p *profile, key string, fp digest, req *wirePurchaseRequest) (*labelRec, error) {
	refuse := func(code, field, msg string) error { return carrier.Refusal(p.code, "purchase", code, field, msg) }
	if strings.TrimSpace(req.Reference) == "" || len(req.Reference) > 200 {
		return nil, refuse("missing_field", "reference", "reference is required (lastmile's package id, at most 200 characters)")
	}
	svcIdx := p.serviceIndex(req.Service)
	if svcIdx < 0 {
		return nil, refuse("service_unknown", "service", fmt.Sprintf("%s has no service %q (it offers %s)", p.code, req.Service, serviceCodes(p)))
	}
	svc := p.services[svcIdx]
	format := ""
	if len(p.document) > 0 {
		format = cmp.Or(req.LabelFormat, string(p.document[0]))
		if !slices.Contains(p.document, carrier.Format(format)) {
			return nil, refuse("label_format_unavailable", "label_format", fmt.Sprintf("%s makes labels as %v, not %q", p.code, p.document, req.LabelFormat))
		}
	}
	shipDate, err := parseDate(req.ShipDate)
	if err != nil {
		return nil, refuse("date_format", "ship_date", err.Error())
	}
	for i, it := range req.Customs {
		switch {
		case strings.TrimSpace(it.Description) == "":
			return nil, refuse("missing_field", fmt.Sprintf("customs[%d].description", i), "the declared item name is required and must match the goods (R-SHIP-6)")
		case it.Quantity < 1:
			return nil, refuse("out_of_range", fmt.Sprintf("customs[%d].quantity", i), "the quantity must be at least 1")
		case it.Value.Amount < 0:
			return nil, refuse("out_of_range", fmt.Sprintf("customs[%d].value.amount", i), "the declared value cannot be negative")
		}
	}
	today := n.opts.Now()
	rate, err := p.pricer.Price(req.Service, carrier.RateRequest{
		From: req.From, To: req.To, Parcel: req.Parcel.parcel(), ShipDate: shipDate,
		COD: moneyOf(req.COD), Declared: moneyOf(req.Declared), Options: req.Options,
	}, today, "purchase")
	if err != nil {
		return nil, err
	}

	// The label lastmile (or this carrier) prints must be possible: addresses in Latin script
	// with valid postal codes (R-LBL-4), customs for cross-border parcels (R-SHIP-6).
	l := label.Label{
		TrackingNumber: p.format(0, svcIdx), Carrier: string(p.numbers), Service: svc.Name,
		OrderExternalID: cmp.Or(req.OrderNumber, req.Reference), WeightG: req.Parcel.WeightG,
		From: req.From, To: req.To, HasBattery: hasBattery(req.Customs), Customs: customsOf(req.Customs),
	}
	if req.COD != nil && req.COD.Amount > 0 {
		cod := *req.COD
		l.COD = &cod
	}
	qr := qrPlaceholder
	l.AntiCounterfeitQR = &qr
	if _, err := label.Prepare(l, label.Options{}); err != nil {
		return nil, labelRefusal(p.code, err)
	}
	if len(p.document) == 0 {
		l = label.Label{}
	}

	n.mu.Lock()
	defer n.mu.Unlock()
	serial := n.st.serials[p.code] + 1
	number := p.format(numberBase(n.st.seed)+serial, svcIdx)
	if n.st.byNumber[number] != nil {
		return nil, fmt.Errorf("tracking number %s issued twice: the %s number range is exhausted", number, p.code)
	}
	rec := &labelRec{
		Carrier: p.code, Service: svc.Code, ShipmentID: fmt.Sprintf("%s-%09d", p.code, serial), Number: number, Serial: serial,
		Reference: req.Reference, Key: key, Fingerprint: fp, Charge: rate.Total, Lines: toWireLines(rate.Lines),
		PurchasedAt: today.UTC(), Repeat: n.st.liveRefs[req.Reference] > 0,
		Origin: locationOf(req.From), Dest: locationOf(req.To),
	}
	sort := sortCode(req.To, serial)
	if len(p.document) > 0 {
		l.TrackingNumber, l.SortCode = number, sort
		if l.To.Country != "GB" && l.To.Country != "DE" && l.To.Country != "FR" {
			l.AntiCounterfeitQR = nil
		}
		rec.Doc = &docSpec{Format: format, Label: l}
	} else {
		rec.Data = &wireLabelData{CarrierName: p.name, ServiceName: svc.Name, SortCode: sort, Barcode: number}
	}
	if err := n.persist(record{Type: "label", Label: rec}); err != nil {
		return nil, err
	}
	n.st.addLabel(rec)
	return rec, nil
}

func serviceCodes(p *profile) string {
	codes := make([]string, len(p.services))
	for i, s := range p.services {
		codes[i] = s.Code
	}
	return strings.Join(codes, ", ")
}

func parseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return t, nil
}

func hasBattery(items []wireCustomsItem) bool {
	return slices.ContainsFunc(items, func(it wireCustomsItem) bool { return it.HasBattery })
}

// customsOf is the customs block of a label: the declared names, their total value and the
// first HS code (R-SHIP-6).
func customsOf(items []wireCustomsItem) *label.Customs {
	if len(items) == 0 {
		return nil
	}
	c := &label.Customs{Value: model.Money{Currency: items[0].Value.Currency}}
	var names []string
	for _, it := range items {
		names = append(names, it.Description)
		if it.Value.Currency == c.Value.Currency {
			c.Value.Amount += it.Value.Amount
		}
		if c.HSCode == "" {
			c.HSCode = it.HSCode
		}
	}
	c.Contents = strings.Join(names, ", ")
	return c
}

// labelFields maps the label's JSON paths to the purchase request's.
var labelFields = map[string]string{
	"order_external_id": "order_number", "weight_g": "parcel.weight_g", "customs": "customs",
	"customs.contents": "customs[0].description", "customs.hs_code": "customs[0].hs_code",
	"customs.value.currency": "customs[0].value.currency",
}

// labelRefusal turns the label's problems into the refusal of the first.
func labelRefusal(code string, err error) error {
	var ve *model.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) == 0 {
		return err
	}
	pr := ve.Problems[0]
	field := pr.Field
	if f, ok := labelFields[field]; ok {
		field = f
	}
	return carrier.Refusal(code, "purchase", pr.Code, field, pr.Message)
}

// numberBase offsets a network's serials, so networks with different seeds issue different
// numbers (splitmix64 of the seed, below 10⁹).
func numberBase(seed uint64) uint64 {
	z := seed + 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return (z ^ (z >> 31)) % 1_000_000_000
}

// sortCode is the routing code printed large on the label: the first three characters of
// the destination's postal code (its country without one) and a two-digit route.
func sortCode(to model.Address, serial uint64) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(to.PostalCode) {
		if (r >= '0' && r <= '9') || (r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
			if b.Len() == 3 {
				break
			}
		}
	}
	head := b.String()
	if head == "" {
		head = strings.ToUpper(to.Country)
	}
	return fmt.Sprintf("%s-%02d", head, serial%97)
}

func locationOf(a model.Address) wireLocation {
	return wireLocation{City: a.City, Region: a.Region, PostalCode: a.PostalCode, Country: a.Country}
}

// labelAnswer is the wire form of a label, with its document rendered.
func (n *Network) labelAnswer(rec *labelRec) (wireLabel, error) {
	out := wireLabel{
		Carrier: rec.Carrier, Service: rec.Service, TrackingNumber: rec.Number, ShipmentID: rec.ShipmentID,
		Reference: rec.Reference, Charge: rec.Charge, Lines: rec.Lines, PurchasedAt: rec.PurchasedAt, Data: rec.Data,
	}
	if rec.Doc != nil {
		content, err := renderLabel(rec.Doc)
		if err != nil {
			return wireLabel{}, fmt.Errorf("rendering the label of %s: %w", rec.Number, err)
		}
		out.Document = &wireDocument{Format: rec.Doc.Format, Content: content}
	}
	return out, nil
}

// handleVoid is POST /v1/{carrier}/labels/{id}/void: void before hand-over, refund the charge.
// Voiding a void label answers the same refund.
func (n *Network) handleVoid(w http.ResponseWriter, r *http.Request, p *profile) {
	if _, ok := idempotencyKey(w, r, false); !ok {
		return
	}
	var req wireVoidRequest
	if r.ContentLength != 0 && !decodeBody(w, r, &req) {
		return
	}
	id := r.PathValue("id")
	n.mu.Lock()
	defer n.mu.Unlock()
	rec := n.st.labels[id]
	if rec == nil || rec.Carrier != p.code {
		writeError(w, http.StatusNotFound, "label_unknown", "shipment_id", fmt.Sprintf("%s sold no label %q", p.code, id))
		return
	}
	if req.TrackingNumber != "" && req.TrackingNumber != rec.Number {
		writeError(w, http.StatusUnprocessableEntity, "tracking_number_mismatch", "tracking_number",
			fmt.Sprintf("label %s has tracking number %s, not %s", id, rec.Number, req.TrackingNumber))
		return
	}
	if rec.live() {
		if rec.ManifestID != "" {
			writeError(w, http.StatusUnprocessableEntity, "already_handed_over", "shipment_id",
				fmt.Sprintf("label %s was handed over on manifest %s and can no longer be voided; return the parcel instead", rec.Number, rec.ManifestID))
			return
		}
		at := n.opts.Now().UTC()
		if err := n.persist(record{Type: "void", Void: &voidRec{Carrier: p.code, ShipmentID: id, At: at}}); err != nil {
			writeFailure(w, err)
			return
		}
		n.st.void(rec, at)
	}
	writeJSON(w, http.StatusOK, wireRefund{ShipmentID: id, TrackingNumber: rec.Number, Refund: rec.Charge, VoidedAt: rec.VoidedAt})
}
