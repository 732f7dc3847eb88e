package sim

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"lastmile/internal/address"
	"lastmile/internal/carrier"
)

// handleRates is POST /v1/{carrier}/rates.
func (n *Network) handleRates(w http.ResponseWriter, r *http.Request, p *profile) {
	var req wireRateRequest
	if !decodeBody(w, r, &req) {
		return
	}
	day, err := parseDate(req.ShipDate)
	if err != nil {
		writeError(w, http.StatusBadRequest, "date_format", "ship_date", err.Error())
		return
	}
	rates, err := p.pricer.Rate(carrier.RateRequest{
		From: req.From, To: req.To, Parcel: req.Parcel.parcel(), ShipDate: day, Market: req.Market,
		COD: moneyOf(req.COD), Declared: moneyOf(req.Declared), Options: req.Options, Services: req.Services,
	}, n.opts.Now())
	if err != nil {
		writeFailure(w, err)
		return
	}
	out := wireRates{Rates: make([]wireRate, len(rates))}
	for i, rt := range rates {
		out.Rates[i] = toWireRate(rt)
	}
	writeJSON(w, http.StatusOK, out)
}

// maxTrackingNumbers bounds one tracking request.
const maxTrackingNumbers = 100

// handleTracking is GET /v1/{carrier}/tracking?numbers=A,B,…
func (n *Network) handleTracking(w http.ResponseWriter, r *http.Request, p *profile) {
	var numbers []string
	for _, v := range r.URL.Query()["numbers"] {
		for _, num := range strings.Split(v, ",") {
			if num = strings.TrimSpace(num); num != "" {
				numbers = append(numbers, num)
			}
		}
	}
	if len(numbers) == 0 || len(numbers) > maxTrackingNumbers {
		writeError(w, http.StatusBadRequest, "numbers_count", "numbers",
			fmt.Sprintf("give 1 to %d tracking numbers, comma-separated: ?numbers=A,B", maxTrackingNumbers))
		return
	}
	now := n.opts.Now()
	out := wireTrackingAnswer{Tracking: make([]wireTracking, len(numbers))}
	n.mu.Lock()
	for i, num := range numbers {
		t := wireTracking{TrackingNumber: num, Events: []wireEvent{}}
		if rec := n.st.byNumber[num]; rec != nil && rec.Carrier == p.code {
			t.Found = true
			t.Events = events(p, rec, now)
		}
		out.Tracking[i] = t
	}
	n.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// events are a label's raw tracking events as of now, oldest first: created at purchase,
// accepted at hand-over (its manifest), cancelled when voided.
//
// This is where the parcel's way after hand-over goes when the sim emits tracking over
// simulated time (the tracking issue): every event follows from the label's stored times and
// the clock, so advancing the clock unfolds the journey without anything stored.
func events(p *profile, rec *labelRec, now time.Time) []wireEvent {
	var out []wireEvent
	add := func(e event, at time.Time, where wireLocation) {
		if !at.After(now) {
			out = append(out, wireEvent{Code: e.code, Description: e.description, OccurredAt: at, Location: where})
		}
	}
	add(p.events.created, rec.PurchasedAt, rec.Origin)
	if !rec.ManifestedAt.IsZero() {
		add(p.events.accepted, rec.ManifestedAt, rec.Origin)
	}
	if !rec.VoidedAt.IsZero() {
		add(p.events.voided, rec.VoidedAt, rec.Origin)
	}
	if out == nil {
		out = []wireEvent{}
	}
	return out
}

// maxManifestNumbers bounds one manifest.
const maxManifestNumbers = 10_000

// handleManifest is POST /v1/{carrier}/manifests: the end-of-day scan form (R-SHIP-5),
// idempotent by Idempotency-Key. Manifested labels are handed over: they can no longer be
// voided.
func (n *Network) handleManifest(w http.ResponseWriter, r *http.Request, p *profile) {
	key, ok := idempotencyKey(w, r, true)
	if !ok {
		return
	}
	var req wireManifestRequest
	if !decodeBody(w, r, &req) {
		return
	}
	refuse := func(code, field, msg string) { writeError(w, http.StatusUnprocessableEntity, code, field, msg) }
	if _, err := time.Parse(dateLayout, req.ShipDate); err != nil {
		refuse("date_format", "ship_date", fmt.Sprintf("ship_date %q: want the hand-over day as YYYY-MM-DD", req.ShipDate))
		return
	}
	if len(req.TrackingNumbers) == 0 || len(req.TrackingNumbers) > maxManifestNumbers {
		refuse("numbers_count", "tracking_numbers", fmt.Sprintf("give 1 to %d tracking numbers", maxManifestNumbers))
		return
	}
	fp := fingerprint(req)
	n.mu.Lock()
	defer n.mu.Unlock()
	if m := n.st.manifests[keyOf(p.code, key)]; m != nil {
		if m.Fingerprint != fp {
			writeFailure(w, keyReused(p.code, "manifest"))
			return
		}
		n.writeManifest(w, http.StatusOK, p, m)
		return
	}
	seen := map[string]bool{}
	for i, num := range req.TrackingNumbers {
		field := fmt.Sprintf("tracking_numbers[%d]", i)
		rec := n.st.byNumber[num]
		switch {
		case rec == nil || rec.Carrier != p.code:
			refuse("label_unknown", field, fmt.Sprintf("%s sold no label %q", p.code, num))
			return
		case !rec.live():
			refuse("label_voided", field, fmt.Sprintf("label %s was voided; take it off the manifest", num))
			return
		case rec.ManifestID != "":
			refuse("already_manifested", field, fmt.Sprintf("label %s is already on manifest %s", num, rec.ManifestID))
			return
		case seen[num]:
			refuse("duplicate", field, fmt.Sprintf("label %s is listed twice", num))
			return
		}
		seen[num] = true
	}
	m := &manifestRec{
		Carrier: p.code, ID: fmt.Sprintf("MF-%s-%06d", strings.ToUpper(p.code), n.st.nextID+1), Key: key, Fingerprint: fp,
		ShipDate: req.ShipDate, From: req.From, WarehouseRef: req.WarehouseRef, Numbers: slices.Clone(req.TrackingNumbers),
		CreatedAt: n.opts.Now().UTC(),
	}
	if err := n.persist(record{Type: "manifest", Manifest: m}); err != nil {
		writeFailure(w, err)
		return
	}
	n.st.addManifest(m)
	n.writeManifest(w, http.StatusCreated, p, m)
}

func (n *Network) writeManifest(w http.ResponseWriter, status int, p *profile, m *manifestRec) {
	doc, err := manifestPDF(p.name, m)
	if err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, status, wireManifest{
		ID: m.ID, Carrier: m.Carrier, ShipDate: m.ShipDate, Count: len(m.Numbers), TrackingNumbers: m.Numbers,
		CreatedAt: m.CreatedAt, Document: &wireDocument{Format: string(carrier.FormatPDF), Content: doc},
	})
}

// handlePickup is POST /v1/{carrier}/pickups, idempotent by Idempotency-Key.
func (n *Network) handlePickup(w http.ResponseWriter, r *http.Request, p *profile) {
	key, ok := idempotencyKey(w, r, true)
	if !ok {
		return
	}
	var req wirePickupRequest
	if !decodeBody(w, r, &req) {
		return
	}
	refuse := func(code, field, msg string) { writeError(w, http.StatusUnprocessableEntity, code, field, msg) }
	now := n.opts.Now()
	switch {
	case req.Window.Start.IsZero() || !req.Window.End.After(req.Window.Start):
		refuse("window_invalid", "window", "give the window's start and an end after it")
		return
	case req.Window.End.Before(now):
		refuse("window_past", "window.end", "the pickup window has already ended; ask for a later one")
		return
	case req.ParcelCount < 1:
		refuse("out_of_range", "parcel_count", "parcel_count must be at least 1")
		return
	case req.TotalWeightG < 0:
		refuse("out_of_range", "total_weight_g", "total_weight_g cannot be negative")
		return
	}
	if !slices.ContainsFunc(p.services, func(s carrier.Service) bool { return slices.Contains(s.Markets, req.Address.Country) }) {
		refuse("market_not_served", "address.country", fmt.Sprintf("%s collects in %s only", p.code, strings.Join(p.services[0].Markets, ", ")))
		return
	}
	if res := address.Check(req.Address); !res.Valid {
		for _, pr := range res.Problems {
			if pr.Code != address.CodePhoneInvalid && pr.Code != address.CodeFieldTooLong && pr.Code != address.CodeRegionUnknown {
				refuse(pr.Code, "address."+pr.Field, pr.Message)
				return
			}
		}
	}
	fp := fingerprint(req)
	n.mu.Lock()
	defer n.mu.Unlock()
	if pu := n.st.pickups[keyOf(p.code, key)]; pu != nil {
		if pu.Fingerprint != fp {
			writeFailure(w, keyReused(p.code, "pickup"))
			return
		}
		writeJSON(w, http.StatusOK, wirePickup{ConfirmationID: pu.ID, Window: pu.Window})
		return
	}
	pu := &pickupRec{Carrier: p.code, ID: fmt.Sprintf("PU%s%06d", strings.ToUpper(strings.ReplaceAll(p.code, "-", "")), n.st.nextID+1),
		Key: key, Fingerprint: fp, Window: req.Window}
	if err := n.persist(record{Type: "pickup", Pickup: pu}); err != nil {
		writeFailure(w, err)
		return
	}
	n.st.addPickup(pu)
	writeJSON(w, http.StatusCreated, wirePickup{ConfirmationID: pu.ID, Window: pu.Window})
}

// handleCarrier is GET /v1/{carrier}: what the carrier offers.
func (n *Network) handleCarrier(w http.ResponseWriter, r *http.Request, p *profile) {
	writeJSON(w, http.StatusOK, describeCarrier(p))
}

// handleCarriers is GET /v1/carriers: every simulated carrier.
func (n *Network) handleCarriers(w http.ResponseWriter, r *http.Request) {
	out := struct {
		Carriers []wireCarrier `json:"carriers"`
	}{}
	for _, d := range defs {
		out.Carriers = append(out.Carriers, describeCarrier(n.profiles[d.code]))
	}
	writeJSON(w, http.StatusOK, out)
}

func describeCarrier(p *profile) wireCarrier {
	c := wireCarrier{Code: p.code, Name: p.name, Capabilities: p.caps.Names()}
	for _, s := range p.services {
		formats := []string{}
		for _, f := range s.LabelFormats {
			formats = append(formats, string(f))
		}
		c.Services = append(c.Services, wireService{
			Code: s.Code, Name: s.Name, Markets: s.Markets, COD: s.COD, Options: append([]string{}, s.Options...),
			TransitDays:  wireTransit{Min: s.TransitDaysMin, Max: s.TransitDaysMax, BusinessDays: s.BusinessDays},
			LabelFormats: formats, Numbers: string(s.Numbers),
		})
	}
	return c
}
