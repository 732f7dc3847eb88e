// Package carriertest is the conformance suite every carrier adapter passes: Exercise runs
// it against a carrier.Carrier. The carrier's Capabilities decide which parts run; the calls
// it does not offer must wrap carrier.ErrUnsupported.
//
// What it proves, per capability:
//   - identity: a code in the rate cards' syntax, a name, services with markets, sane transit
//     days, and, for a carrier that sells labels, a tracking-number family trackno knows;
//   - rate: a price for every service in its market, whose lines add up to the total;
//   - purchase: a label whose tracking number lastmile's trackno accepts and attributes to
//     the service's family (R-SHIP-4), with either the carrier's document or label data
//     (R-SHIP-2) and a charge equal to the rate; the same idempotency key returns the
//     identical label (same number, same bytes), a new key buys a new one, a reused key with
//     another request and a missing key are refused;
//   - void: refunds the charge once, answers the same refund again, refuses an unknown label;
//   - track: the purchased number is found with raw events, an unknown number is not found;
//   - manifest: closes the day for purchased labels, idempotently; a manifested label is
//     handed over and can no longer be voided (R-SHIP-5);
//   - pickup: a confirmation within the window asked, idempotently;
//   - a cancelled context makes every supported call return an error wrapping
//     context.Canceled, not a carrier error.
package carriertest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/model"
	"lastmile/internal/trackno"
)

// Options adapt the suite to a carrier.
type Options struct {
	// Addresses are recipient and sender addresses by market (ISO 3166-1 alpha-2), for
	// markets the built-in samples lack or to replace them.
	Addresses map[string]Addresses
	// Parcel is rated and bought; zero is 500 g, 200 × 150 × 100 mm.
	Parcel carrier.Parcel
	// ShipDate is the hand-over day of every request; zero is the carrier's today.
	ShipDate time.Time
	// Now is the clock pickup windows are set by (tomorrow, 09:00 to 17:00 UTC); nil is
	// time.Now.
	Now func() time.Time
}

// Addresses are a recipient and a sender (the warehouse) in one market.
type Addresses struct {
	To, From model.Address
}

// samples are valid addresses in the markets of the example rate cards.
var samples = map[string]Addresses{
	"US": {
		To:   model.Address{Name: "Jane Doe", Line1: "1600 Amphitheatre Pkwy", City: "Mountain View", Region: "CA", PostalCode: "94043", Country: "US", Phone: "+16505550100"},
		From: model.Address{Name: "Shenzhen Seller Ltd", Line1: "1 Warehouse Way", City: "Ontario", Region: "CA", PostalCode: "91761", Country: "US", Phone: "+19095550100"},
	},
	"GB": {
		To:   model.Address{Name: "Sam Smith", Line1: "10 Downing Street", City: "London", PostalCode: "SW1A 2AA", Country: "GB", Phone: "+442071234567"},
		From: model.Address{Name: "Seller UK Ltd", Line1: "Unit 4 Magna Park", City: "Lutterworth", PostalCode: "LE17 4XN", Country: "GB", Phone: "+441455550100"},
	},
	"TH": {
		To:   model.Address{Name: "Somchai Jaidee", Line1: "99 Sukhumvit Road", City: "Bangkok", Region: "10", PostalCode: "10110", Country: "TH", Phone: "+66812345678"},
		From: model.Address{Name: "Bang Na Warehouse", Line1: "88 Bangna-Trad Road", City: "Bang Phli", Region: "11", PostalCode: "10540", Country: "TH", Phone: "+66823456789"},
	},
	"ID": {
		To:   model.Address{Name: "Budi Santoso", Line1: "Jl. M.H. Thamrin No. 1", City: "Jakarta", Region: "JK", PostalCode: "10110", Country: "ID", Phone: "+6281234567890"},
		From: model.Address{Name: "Gudang Cikarang", Line1: "Jl. Industri Selatan 5", City: "Cikarang", Region: "JB", PostalCode: "17530", Country: "ID", Phone: "+6281298765432"},
	},
	"MY": {
		To:   model.Address{Name: "Ahmad Ibrahim", Line1: "1 Jalan Ampang", City: "Kuala Lumpur", Region: "14", PostalCode: "50450", Country: "MY", Phone: "+60123456789"},
		From: model.Address{Name: "Gudang Shah Alam", Line1: "5 Jalan Kebun", City: "Shah Alam", Region: "10", PostalCode: "40460", Country: "MY", Phone: "+60198765432"},
	},
	"PH": {
		To:   model.Address{Name: "Maria Santos", Line1: "6750 Ayala Avenue", City: "Makati", Region: "00", PostalCode: "1226", Country: "PH", Phone: "+639171234567"},
		From: model.Address{Name: "Pasig Warehouse", Line1: "10 Ortigas Avenue", City: "Pasig", Region: "00", PostalCode: "1605", Country: "PH", Phone: "+639181234567"},
	},
	"VN": {
		To:   model.Address{Name: "Nguyen Van An", Line1: "1 Trang Tien", City: "Hanoi", Region: "HN", PostalCode: "100000", Country: "VN", Phone: "+84912345678"},
		From: model.Address{Name: "Kho Thu Duc", Line1: "12 Xa Lo Ha Noi", City: "Ho Chi Minh City", Region: "SG", PostalCode: "700000", Country: "VN", Phone: "+84987654321"},
	},
	"SG": {
		To:   model.Address{Name: "Tan Wei Ling", Line1: "1 Raffles Place", City: "Singapore", PostalCode: "048616", Country: "SG", Phone: "+6591234567"},
		From: model.Address{Name: "Jurong Warehouse", Line1: "2 Jurong East Street 21", City: "Singapore", PostalCode: "609601", Country: "SG", Phone: "+6581234567"},
	},
}

// SampleAddresses returns the suite's built-in recipient and sender of a market.
func SampleAddresses(market string) (Addresses, bool) {
	a, ok := samples[market]
	return a, ok
}

// suite is one run of Exercise.
type suite struct {
	opts       Options
	newCarrier func(t *testing.T) carrier.Carrier
}

// Exercise runs the conformance suite against the carriers newCarrier returns: one for each
// part, which may run in parallel.
func Exercise(t *testing.T, newCarrier func(t *testing.T) carrier.Carrier, opts Options) {
	t.Helper()
	if opts.Parcel == (carrier.Parcel{}) {
		opts.Parcel = carrier.Parcel{WeightG: 500, LengthMM: 200, WidthMM: 150, HeightMM: 100}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &suite{opts: opts, newCarrier: newCarrier}
	parts := []struct {
		name string
		need carrier.Capabilities
		run  func(t *testing.T, c carrier.Carrier)
	}{
		{"Identity", 0, s.identity},
		{"Rate", carrier.CanRate, s.rate},
		{"Purchase", carrier.CanPurchase, s.purchase},
		{"Void", carrier.CanPurchase | carrier.CanVoid, s.void},
		{"Track", carrier.CanPurchase | carrier.CanTrack, s.track},
		{"Manifest", carrier.CanPurchase | carrier.CanManifest, s.manifest},
		{"Pickup", carrier.CanPickup, s.pickup},
		{"Unsupported", 0, s.unsupported},
		{"CancelledContext", 0, s.cancelled},
	}
	// The parts the carrier's capabilities rule out are not run at all (Unsupported checks
	// that those calls wrap ErrUnsupported), so no part is skipped for ever.
	caps := newCarrier(t).Capabilities()
	for _, p := range parts {
		if !caps.Has(p.need) {
			continue
		}
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			c := newCarrier(t)
			if c.Capabilities() != caps {
				t.Fatalf("capabilities changed from %v to %v", caps, c.Capabilities())
			}
			p.run(t, c)
		})
	}
}

var codeRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

func (s *suite) identity(t *testing.T, c carrier.Carrier) {
	if !codeRE.MatchString(c.Code()) {
		t.Errorf("code %q is not a rate-card carrier id (lower-case letters, digits, '.', '_', '-')", c.Code())
	}
	if strings.TrimSpace(c.Name()) == "" {
		t.Error("no name")
	}
	if c.Capabilities() == 0 {
		t.Error("no capabilities")
	}
	svcs := c.Services()
	if len(svcs) == 0 {
		t.Fatal("no services")
	}
	seen := map[string]bool{}
	for _, svc := range svcs {
		if !codeRE.MatchString(svc.Code) || seen[svc.Code] {
			t.Errorf("service code %q is malformed or repeated", svc.Code)
		}
		seen[svc.Code] = true
		if svc.Name == "" || len(svc.Markets) == 0 {
			t.Errorf("%s: no name or no markets", svc.Code)
		}
		for _, m := range svc.Markets {
			if len(m) != 2 || strings.ToUpper(m) != m || m == "UK" {
				t.Errorf("%s: market %q is not an ISO 3166-1 alpha-2 code", svc.Code, m)
			}
		}
		if svc.TransitDaysMin < 0 || svc.TransitDaysMax < svc.TransitDaysMin {
			t.Errorf("%s: transit days %d–%d", svc.Code, svc.TransitDaysMin, svc.TransitDaysMax)
		}
		for _, f := range svc.LabelFormats {
			if !f.Valid() {
				t.Errorf("%s: label format %q", svc.Code, f)
			}
		}
		if c.Capabilities().Has(carrier.CanPurchase) && !svc.Numbers.Known() {
			t.Errorf("%s: tracking-number family %q is not one trackno knows (R-SHIP-4)", svc.Code, svc.Numbers)
		}
	}
	if again := c.Services(); len(again) > 0 {
		again[0].Code = "changed"
		if c.Services()[0].Code == "changed" {
			t.Error("Services returns the carrier's own slice")
		}
	}
}

// addresses returns the recipient and sender for a service's first market.
func (s *suite) addresses(t *testing.T, svc carrier.Service) Addresses {
	t.Helper()
	m := svc.Markets[0]
	if a, ok := s.opts.Addresses[m]; ok {
		return a
	}
	a, ok := samples[m]
	if !ok {
		t.Fatalf("%s serves %s; give the suite addresses there (Options.Addresses)", svc.Code, m)
	}
	return a
}

func (s *suite) rateRequest(t *testing.T, svc carrier.Service) carrier.RateRequest {
	a := s.addresses(t, svc)
	return carrier.RateRequest{From: a.From, To: a.To, Parcel: s.opts.Parcel, ShipDate: s.opts.ShipDate, Services: []string{svc.Code}}
}

func (s *suite) rate(t *testing.T, c carrier.Carrier) {
	ctx := context.Background()
	for _, svc := range c.Services() {
		rates, err := c.Rate(ctx, s.rateRequest(t, svc))
		if err != nil {
			t.Errorf("%s: %v", svc.Code, err)
			continue
		}
		if len(rates) != 1 || rates[0].Service != svc.Code {
			t.Errorf("%s: asked for one service, got %+v", svc.Code, rates)
			continue
		}
		checkRate(t, svc, rates[0])
	}
	// Without a filter, every service serving the market may answer, and only those.
	svc := c.Services()[0]
	req := s.rateRequest(t, svc)
	req.Services = nil
	rates, err := c.Rate(ctx, req)
	if err != nil || len(rates) == 0 {
		t.Fatalf("all services: %v %v", rates, err)
	}
	for _, r := range rates {
		other, ok := carrier.ServiceByCode(c, r.Service)
		if !ok || !slices.Contains(other.Markets, req.To.Country) {
			t.Errorf("rate for %q, which is not a service for %s", r.Service, req.To.Country)
		}
	}
}

func checkRate(t *testing.T, svc carrier.Service, r carrier.Rate) {
	t.Helper()
	if _, ok := model.CurrencyScale(r.Total.Currency); !ok || r.Total.Amount <= 0 {
		t.Errorf("%s: total %v", svc.Code, r.Total)
	}
	if sum := sumLines(r.Lines); sum != r.Total.Amount || len(r.Lines) == 0 {
		t.Errorf("%s: lines %+v add up to %d, total %d", svc.Code, r.Lines, sum, r.Total.Amount)
	}
	if r.TransitDaysMin < 0 || r.TransitDaysMax < r.TransitDaysMin || r.TransitDaysMax > svc.TransitDaysMax || r.TransitDaysMin < svc.TransitDaysMin {
		t.Errorf("%s: transit %d–%d outside the service's %d–%d", svc.Code, r.TransitDaysMin, r.TransitDaysMax, svc.TransitDaysMin, svc.TransitDaysMax)
	}
	if r.ChargeableWeightG <= 0 {
		t.Errorf("%s: chargeable weight %d", svc.Code, r.ChargeableWeightG)
	}
}

func sumLines(lines []carrier.ChargeLine) int64 {
	var sum int64
	for _, l := range lines {
		sum += l.Amount
	}
	return sum
}

// NewKey returns a fresh idempotency key.
func NewKey() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// purchaseRequest is a request for svc with a fresh key and package reference.
func (s *suite) purchaseRequest(t *testing.T, svc carrier.Service) carrier.PurchaseRequest {
	a := s.addresses(t, svc)
	ref := "pkg_" + NewKey()
	req := carrier.PurchaseRequest{
		IdempotencyKey: NewKey(), Reference: ref, OrderNumber: "ORD-" + ref[4:12], Service: svc.Code,
		From: a.From, To: a.To, Parcel: s.opts.Parcel, ShipDate: s.opts.ShipDate,
	}
	if len(svc.LabelFormats) > 0 {
		req.LabelFormat = svc.LabelFormats[0]
	}
	return req
}

// buy purchases a label for svc and checks it.
func (s *suite) buy(t *testing.T, c carrier.Carrier, svc carrier.Service) (carrier.PurchaseRequest, carrier.Label) {
	t.Helper()
	req := s.purchaseRequest(t, svc)
	l, err := c.Purchase(context.Background(), req)
	if err != nil {
		t.Fatalf("%s: purchase: %v", svc.Code, err)
	}
	s.checkLabel(t, c, svc, req, l)
	return req, l
}

func (s *suite) checkLabel(t *testing.T, c carrier.Carrier, svc carrier.Service, req carrier.PurchaseRequest, l carrier.Label) {
	t.Helper()
	if l.Carrier != c.Code() || l.Service != svc.Code || l.Reference != req.Reference || l.CarrierShipmentID == "" || l.PurchasedAt.IsZero() {
		t.Errorf("%s: label %s/%s ref %q id %q at %v", svc.Code, l.Carrier, l.Service, l.Reference, l.CarrierShipmentID, l.PurchasedAt)
	}
	// R-SHIP-4: lastmile's own check accepts the number and names the service's family.
	r := trackno.Check(l.TrackingNumber)
	if !r.Valid || r.Carrier != svc.Numbers || r.Normalized != l.TrackingNumber {
		t.Errorf("%s: tracking number %q: valid %v, carrier %q (want %q), %s", svc.Code, l.TrackingNumber, r.Valid, r.Carrier, svc.Numbers, r.Message)
	}
	if r := trackno.CheckAs(l.TrackingNumber, svc.Numbers); !r.Valid {
		t.Errorf("%s: CheckAs(%s, %s): %s", svc.Code, l.TrackingNumber, svc.Numbers, r.Message)
	}
	// R-SHIP-2: the carrier's document, kept as it is, or the data for lastmile's own label.
	switch {
	case (l.Document == nil) == (l.Data == nil):
		t.Errorf("%s: a label carries either a document or data: %v %v", svc.Code, l.Document, l.Data)
	case l.Document != nil:
		if !slices.Contains(svc.LabelFormats, l.Document.Format) || len(l.Document.Content) == 0 {
			t.Errorf("%s: document %s of %d bytes; the service makes %v", svc.Code, l.Document.Format, len(l.Document.Content), svc.LabelFormats)
		}
		if l.Document.Format == carrier.FormatPDF && !bytes.HasPrefix(l.Document.Content, []byte("%PDF-")) {
			t.Errorf("%s: the PDF label does not start with %%PDF-", svc.Code)
		}
	default:
		if len(svc.LabelFormats) > 0 {
			t.Errorf("%s: label data from a service that makes documents", svc.Code)
		}
		if l.Data.ServiceName == "" || !strings.Contains(l.Data.Barcode, l.TrackingNumber) {
			t.Errorf("%s: label data %+v", svc.Code, *l.Data)
		}
	}
	if _, ok := model.CurrencyScale(l.Charge.Currency); !ok || l.Charge.Amount <= 0 || sumLines(l.Lines) != l.Charge.Amount {
		t.Errorf("%s: charge %v with lines %+v", svc.Code, l.Charge, l.Lines)
	}
	if c.Capabilities().Has(carrier.CanRate) {
		rates, err := c.Rate(context.Background(), carrier.RateRequest{From: req.From, To: req.To, Parcel: req.Parcel,
			ShipDate: req.ShipDate, Services: []string{svc.Code}})
		if err != nil || len(rates) != 1 || rates[0].Total != l.Charge || !reflect.DeepEqual(rates[0].Lines, l.Lines) {
			t.Errorf("%s: charged %v %+v, the rate says %+v (%v)", svc.Code, l.Charge, l.Lines, rates, err)
		}
	}
}

func (s *suite) purchase(t *testing.T, c carrier.Carrier) {
	ctx := context.Background()
	for _, svc := range c.Services() {
		req, first := s.buy(t, c, svc)

		// A retry with the same key is the same label, byte for byte.
		again, err := c.Purchase(ctx, req)
		if err != nil {
			t.Fatalf("%s: retry: %v", svc.Code, err)
		}
		if !reflect.DeepEqual(again, first) {
			t.Errorf("%s: a retry with the same key gave another label:\n%+v\n%+v", svc.Code, first, again)
		}

		// A new key buys a new label.
		_, other := s.buy(t, c, svc)
		if other.TrackingNumber == first.TrackingNumber || other.CarrierShipmentID == first.CarrierShipmentID {
			t.Errorf("%s: a new key gave the same label %s", svc.Code, first.TrackingNumber)
		}

		// The same key for another request is refused; so is a request without a key.
		changed := req
		changed.Reference = "pkg_" + NewKey()
		if _, err := c.Purchase(ctx, changed); carrier.KindOf(err) != carrier.Refused {
			t.Errorf("%s: a reused key with another request: %v, want a refusal", svc.Code, err)
		}
		nokey := s.purchaseRequest(t, svc)
		nokey.IdempotencyKey = ""
		if _, err := c.Purchase(ctx, nokey); carrier.KindOf(err) != carrier.Refused {
			t.Errorf("%s: no idempotency key: %v, want a refusal", svc.Code, err)
		}
	}
	// A service the carrier does not have is refused, naming the field.
	bad := s.purchaseRequest(t, c.Services()[0])
	bad.Service = "no-such-service"
	var e *carrier.Error
	if _, err := c.Purchase(ctx, bad); !errors.As(err, &e) || e.Kind != carrier.Refused || e.Field != "service" {
		t.Errorf("unknown service: %v", err)
	}
}

func (s *suite) void(t *testing.T, c carrier.Carrier) {
	ctx := context.Background()
	svc := c.Services()[0]
	_, l := s.buy(t, c, svc)
	req := carrier.VoidRequest{TrackingNumber: l.TrackingNumber, CarrierShipmentID: l.CarrierShipmentID, IdempotencyKey: NewKey()}
	refund, err := c.Void(ctx, req)
	if err != nil {
		t.Fatalf("void: %v", err)
	}
	if refund.TrackingNumber != l.TrackingNumber || refund.Amount != l.Charge || refund.VoidedAt.IsZero() {
		t.Errorf("refund %+v for a label charged %v", refund, l.Charge)
	}
	req.IdempotencyKey = NewKey() // voiding a void label is not a second refund, whatever the key
	again, err := c.Void(ctx, req)
	if err != nil || !reflect.DeepEqual(again, refund) {
		t.Errorf("voiding again: %+v %v, want %+v", again, err, refund)
	}
	if _, err := c.Void(ctx, carrier.VoidRequest{TrackingNumber: "X", CarrierShipmentID: "no-such-label"}); carrier.KindOf(err) != carrier.Refused {
		t.Errorf("voiding an unknown label: %v, want a refusal", err)
	}
}

func (s *suite) track(t *testing.T, c carrier.Carrier) {
	_, l := s.buy(t, c, c.Services()[0])
	unknown := "ZZ" + NewKey()
	ts, err := c.Track(context.Background(), []string{l.TrackingNumber, unknown})
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 2 || ts[0].TrackingNumber != l.TrackingNumber || ts[1].TrackingNumber != unknown {
		t.Fatalf("tracking %+v", ts)
	}
	if !ts[0].Found || len(ts[0].Events) == 0 {
		t.Errorf("the purchased number is not tracked: %+v", ts[0])
	}
	for _, e := range ts[0].Events {
		if e.Code == "" || e.OccurredAt.IsZero() || e.OccurredAt.Before(l.PurchasedAt) {
			t.Errorf("event %+v of a label bought at %v", e, l.PurchasedAt)
		}
	}
	if ts[1].Found || len(ts[1].Events) != 0 {
		t.Errorf("an unknown number is found: %+v", ts[1])
	}
}

func (s *suite) manifest(t *testing.T, c carrier.Carrier) {
	ctx := context.Background()
	svc := c.Services()[0]
	a := s.addresses(t, svc)
	_, l1 := s.buy(t, c, svc)
	_, l2 := s.buy(t, c, svc)
	shipDate := s.opts.ShipDate
	if shipDate.IsZero() {
		shipDate = l1.PurchasedAt
	}
	req := carrier.ManifestRequest{IdempotencyKey: NewKey(), ShipDate: shipDate, From: a.From, WarehouseRef: "wh_test",
		TrackingNumbers: []string{l1.TrackingNumber, l2.TrackingNumber}}
	m, err := c.Manifest(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if m.ID == "" || m.Count != 2 || !slices.Equal(m.TrackingNumbers, req.TrackingNumbers) || m.CreatedAt.IsZero() {
		t.Errorf("manifest %+v", m)
	}
	if m.Document != nil && (m.Document.Format != carrier.FormatPDF || !bytes.HasPrefix(m.Document.Content, []byte("%PDF-"))) {
		t.Errorf("the scan form is not a PDF: %s", m.Document.Format)
	}
	again, err := c.Manifest(ctx, req)
	if err != nil || !reflect.DeepEqual(again, m) {
		t.Errorf("the same manifest request again: %+v %v", again.ID, err)
	}
	// R-SHIP-5: on a manifest, the parcel is handed over: no more void, no second manifest.
	if c.Capabilities().Has(carrier.CanVoid) {
		if _, err := c.Void(ctx, carrier.VoidRequest{TrackingNumber: l1.TrackingNumber, CarrierShipmentID: l1.CarrierShipmentID}); carrier.KindOf(err) != carrier.Refused {
			t.Errorf("voiding a manifested label: %v, want a refusal", err)
		}
	}
	second := req
	second.IdempotencyKey = NewKey()
	if _, err := c.Manifest(ctx, second); carrier.KindOf(err) != carrier.Refused {
		t.Errorf("manifesting a label twice: %v, want a refusal", err)
	}
}

func (s *suite) pickup(t *testing.T, c carrier.Carrier) {
	svc := c.Services()[0]
	a := s.addresses(t, svc)
	y, mo, d := s.opts.Now().UTC().AddDate(0, 0, 1).Date()
	window := carrier.Window{Start: time.Date(y, mo, d, 9, 0, 0, 0, time.UTC), End: time.Date(y, mo, d, 17, 0, 0, 0, time.UTC)}
	req := carrier.PickupRequest{IdempotencyKey: NewKey(), Address: a.From, Window: window, ParcelCount: 3, TotalWeightG: 1500}
	p, err := c.SchedulePickup(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if p.ConfirmationID == "" || p.Window.Start.Before(window.Start) || p.Window.End.After(window.End) || !p.Window.End.After(p.Window.Start) {
		t.Errorf("pickup %+v for the window %+v", p, window)
	}
	again, err := c.SchedulePickup(context.Background(), req)
	if err != nil || again.ConfirmationID != p.ConfirmationID {
		t.Errorf("the same pickup request again: %+v %v", again, err)
	}
}

// calls are the operations with the capability each needs, called with requests good enough
// to reach the carrier.
func (s *suite) calls(t *testing.T, c carrier.Carrier) []struct {
	name string
	need carrier.Capabilities
	call func(ctx context.Context) error
} {
	svc := c.Services()[0]
	a := s.addresses(t, svc)
	return []struct {
		name string
		need carrier.Capabilities
		call func(ctx context.Context) error
	}{
		{"rate", carrier.CanRate, func(ctx context.Context) error { _, err := c.Rate(ctx, s.rateRequest(t, svc)); return err }},
		{"purchase", carrier.CanPurchase, func(ctx context.Context) error {
			_, err := c.Purchase(ctx, s.purchaseRequest(t, svc))
			return err
		}},
		{"void", carrier.CanVoid, func(ctx context.Context) error {
			_, err := c.Void(ctx, carrier.VoidRequest{TrackingNumber: "X", CarrierShipmentID: "x"})
			return err
		}},
		{"track", carrier.CanTrack, func(ctx context.Context) error { _, err := c.Track(ctx, []string{"X"}); return err }},
		{"manifest", carrier.CanManifest, func(ctx context.Context) error {
			_, err := c.Manifest(ctx, carrier.ManifestRequest{ShipDate: s.opts.Now(), From: a.From, TrackingNumbers: []string{"X"}})
			return err
		}},
		{"pickup", carrier.CanPickup, func(ctx context.Context) error {
			now := s.opts.Now()
			_, err := c.SchedulePickup(ctx, carrier.PickupRequest{Address: a.From, Window: carrier.Window{Start: now, End: now.Add(time.Hour)}, ParcelCount: 1})
			return err
		}},
	}
}

func (s *suite) unsupported(t *testing.T, c carrier.Carrier) {
	for _, call := range s.calls(t, c) {
		if c.Capabilities().Has(call.need) {
			continue
		}
		if err := call.call(context.Background()); !errors.Is(err, carrier.ErrUnsupported) {
			t.Errorf("%s is not in %v, but it answered %v", call.name, c.Capabilities(), err)
		}
	}
}

func (s *suite) cancelled(t *testing.T, c carrier.Carrier) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, call := range s.calls(t, c) {
		if !c.Capabilities().Has(call.need) {
			continue
		}
		err := call.call(ctx)
		if !errors.Is(err, context.Canceled) || carrier.IsTransient(err) {
			t.Errorf("%s with a cancelled context: %v, want an error wrapping context.Canceled", call.name, err)
		}
	}
}
