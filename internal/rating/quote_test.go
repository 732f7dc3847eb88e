package rating

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/model"
)

func decodeQuoteRequest(t *testing.T, s string) *QuoteRequest {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	var qr QuoteRequest
	if err := dec.Decode(&qr); err != nil {
		t.Fatal(err)
	}
	return &qr
}

const anchorageOrder = `{"external_id":"A1","market":"US","currency":"USD","paid_at":"2026-03-02T17:00:00Z",
 "shipping_address":{"name":"Kai","line1":"1 Main St","city":"Anchorage","region":"Alaska","postal_code":"99501","country":"US"},
 "lines":[{"sku":"MUG","quantity":1,"weight_g":450,"length_mm":200,"width_mm":150,"height_mm":50,"unit_price":{"amount":1999,"currency":"USD"}}]`

// TestQuoteOrder: the JSON contract end to end on the shipped cards.
func TestQuoteOrder(t *testing.T) {
	t.Parallel()
	cards, err := DefaultCards()
	if err != nil {
		t.Fatal(err)
	}
	markets := config.DefaultMarkets()
	now := time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC)
	qr := decodeQuoteRequest(t, anchorageOrder+`,"options":["priority"]}`)
	resp, err := QuoteOrder(cards, qr, markets, QuoteOptions{Now: now, BestValuePct: DefaultBestValuePct})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(resp)
	var got struct {
		Quotes []struct {
			Carrier, Service string
			Eligible         bool
			Total            *struct {
				Amount   int64
				Currency string
			}
			ChargeableWeightG int64 `json:"chargeable_weight_g"`
			Breakdown         []struct {
				Kind, Name string
				Amount     int64
			}
			TransitDays  *struct{ Min, Max int } `json:"transit_days"`
			MeetsPromise bool                    `json:"meets_promise"`
			Reasons      []struct{ Code, Message string }
		}
		Selected *struct{ Carrier, Service string }
		Package  struct {
			WeightG int64 `json:"weight_g"`
			Source  string
		}
		Promise struct {
			Days               int
			Deadline, Handover string
		}
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if got.Selected == nil || got.Package.Source != "lines" || got.Package.WeightG != 450 ||
		got.Promise.Days != 7 || got.Promise.Deadline != "2026-03-09" || got.Promise.Handover != "2026-03-02" {
		t.Errorf("response: %s", raw)
	}
	var jt bool
	for _, q := range got.Quotes {
		if q.Reasons == nil || q.Breakdown == nil {
			t.Errorf("%s/%s: reasons and breakdown must be arrays: %s", q.Carrier, q.Service, raw)
		}
		if q.Eligible != (len(q.Reasons) == 0) {
			t.Errorf("%s/%s: eligible %v with reasons %v", q.Carrier, q.Service, q.Eligible, q.Reasons)
		}
		if q.Carrier == "jt-us" {
			jt = true
			if q.Total == nil || q.Total.Amount != 682 || q.Total.Currency != "USD" || q.ChargeableWeightG != 450 ||
				len(q.Breakdown) != 5 || q.Breakdown[2].Kind != "remote_area" || q.Breakdown[4].Name != "priority" ||
				q.TransitDays == nil || q.TransitDays.Max != 5 || !q.MeetsPromise {
				t.Errorf("jt-us quote: %+v", q)
			}
		}
		if q.Carrier == "4px" && (q.Eligible || q.Reasons[0].Code != "not_certified") {
			t.Errorf("4px: %+v", q)
		}
	}
	if !jt {
		t.Error("no jt-us quote")
	}
}

// TestQuoteOrderProblems: a request that cannot be rated names every bad field.
func TestQuoteOrderProblems(t *testing.T) {
	t.Parallel()
	cards, err := DefaultCards()
	if err != nil {
		t.Fatal(err)
	}
	markets := config.DefaultMarkets()
	now := time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, body string
		fields     []string
	}{
		{"unknown_market", `{"market":"ZZ","shipping_address":{"country":"ZZ"},"lines":[{"quantity":1,"weight_g":1}]}`, []string{"market"}},
		{"no_country_no_weight", `{"market":"US","lines":[{"quantity":1}]}`, []string{"shipping_address.country", "package.weight_g"}},
		{"bad_package", `{"market":"US","shipping_address":{"country":"US"},"package":{"weight_g":0,"length_mm":-1}}`,
			[]string{"package.weight_g", "package.length_mm"}},
		{"options", `{"market":"US","shipping_address":{"country":"US"},"package":{"weight_g":5},"options":["cod","Bad Name","x","x"]}`,
			[]string{"options[0]", "options[1]", "options[3]"}},
		{"quantity", `{"market":"US","shipping_address":{"country":"US"},"lines":[{"quantity":0,"weight_g":5}]}`,
			[]string{"lines[0].quantity", "package.weight_g"}},
		{"cod_currency", `{"market":"TH","currency":"THB","shipping_address":{"country":"TH"},"package":{"weight_g":5},"cod":{"amount":100,"currency":"USD"}}`,
			[]string{"cod.currency"}},
		{"package_and_boxes", `{"market":"US","shipping_address":{"country":"US"},"package":{"weight_g":5},"boxes":[{"id":"a","length_mm":1,"width_mm":1,"height_mm":1}]}`,
			[]string{"boxes"}},
		{"boxes_need_sizes", `{"market":"US","shipping_address":{"country":"US"},"lines":[{"quantity":1,"weight_g":5}],"boxes":[{"id":"","length_mm":0,"width_mm":1,"height_mm":1}]}`,
			[]string{"lines[0].length_mm", "boxes[0].id", "boxes[0]"}},
		{"handover", `{"market":"US","shipping_address":{"country":"US"},"package":{"weight_g":5},"handover":{"cut_off":"3pm","time_zone":"Mars/Base","origin":"China","closed":["sat","someday"]}}`,
			[]string{"handover.cut_off", "handover.time_zone", "handover.origin", "handover.closed[1]"}},
		{"negative_parcels", `{"market":"US","shipping_address":{"country":"US"},"package":{"weight_g":5},"monthly_parcels":{"jt-us":-1}}`,
			[]string{"monthly_parcels.jt-us"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := QuoteOrder(cards, decodeQuoteRequest(t, tc.body), markets, QuoteOptions{Now: now})
			var ve *model.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want a validation error", err)
			}
			var fields []string
			for _, p := range ve.Problems {
				fields = append(fields, p.Field)
				if p.Code == "" || p.Message == "" {
					t.Errorf("problem without code or message: %+v", p)
				}
			}
			if strings.Join(fields, " ") != strings.Join(tc.fields, " ") {
				t.Errorf("fields %v, want %v (%v)", fields, tc.fields, err)
			}
		})
	}
	_, err = QuoteOrder(cards, decodeQuoteRequest(t, anchorageOrder+`}`), markets, QuoteOptions{Now: now, Policy: "slowest"})
	var ve *model.ValidationError
	if !errors.As(err, &ve) || ve.Problems[0].Field != "policy" {
		t.Errorf("bad policy: %v", err)
	}
}

// TestQuoteOrderBoxes: box choice through the JSON contract (R-RATE-8), and no fit.
func TestQuoteOrderBoxes(t *testing.T) {
	t.Parallel()
	cards, err := DefaultCards()
	if err != nil {
		t.Fatal(err)
	}
	markets := config.DefaultMarkets()
	now := time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC)
	boxes := `,"boxes":[{"id":"S","length_mm":150,"width_mm":100,"height_mm":40,"tare_g":30,"cost":{"amount":20,"currency":"usd"}},
	 {"id":"M","length_mm":210,"width_mm":160,"height_mm":60,"wall_mm":3,"tare_g":60,"cost":{"amount":35}},
	 {"id":"L","length_mm":400,"width_mm":300,"height_mm":300,"tare_g":250,"cost":{"amount":80}}]}`
	resp, err := QuoteOrder(cards, decodeQuoteRequest(t, anchorageOrder+boxes), markets, QuoteOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	// M: outer 216×166×66 mm → 395 g volumetric; 510 g actual: jt-us ≤1 kg 4.10 + fuel 0.21×0.51
	// = 0.1071 → 0.11 + remote 2.50 + tracking 0.15 = 6.86, + box 0.35 = 7.21.
	b := resp.Box
	if b == nil || b.ID != "M" || b.LandedCost == nil || b.LandedCost.Amount != 721 || resp.Package.Source != "box" ||
		resp.Package.WeightG != 510 || b.Candidates[0].Fits || !b.Candidates[2].Fits || b.Candidates[2].LandedCost == nil {
		raw, _ := json.Marshal(resp)
		t.Errorf("box choice: %s", raw)
	}
	_, err = QuoteOrder(cards, decodeQuoteRequest(t, anchorageOrder+`,"boxes":[{"id":"S","length_mm":150,"width_mm":100,"height_mm":40}]}`),
		markets, QuoteOptions{Now: now})
	if !errors.Is(err, ErrNoBoxFits) || !strings.Contains(err.Error(), "1 units, the largest 200×150×50 mm") {
		t.Errorf("no fit: %v", err)
	}
}

// TestStackLines: the parcel computed from the lines when none is given.
func TestStackLines(t *testing.T) {
	t.Parallel()
	items := []Item{{LengthMM: 250, WidthMM: 20, HeightMM: 200, WeightG: 180, Quantity: 2}, {LengthMM: 100, WidthMM: 300, HeightMM: 50, WeightG: 400, Quantity: 1}}
	if got := stackLines(items, 760, true); got != (Parcel{WeightG: 760, LengthMM: 300, WidthMM: 200, HeightMM: 90}) {
		t.Errorf("stacked %+v", got)
	}
	if got := stackLines(items, 760, false); got != (Parcel{WeightG: 760}) {
		t.Errorf("without sizes %+v", got)
	}
}

// TestNewDestination: what rating matches on.
func TestNewDestination(t *testing.T) {
	t.Parallel()
	d := NewDestination(model.Address{City: "Anchorage", Region: "Alaska", PostalCode: "99501-1234", Country: "us"})
	if d != (Destination{Country: "US", Region: "AK", Postal: "995011234", Remote: true}) {
		t.Errorf("%+v", d)
	}
	d = NewDestination(model.Address{PostalCode: "sw1a 1aa", Country: "UK"})
	if d != (Destination{Country: "GB", Postal: "SW1A1AA"}) {
		t.Errorf("%+v", d)
	}
}

// boundsOrder is a US order to Anchorage with n lines of the given unit price, quantity and
// weight, and a package of packageG grams (none when 0).
func boundsOrder(n int, price, qty, weightG, packageG int64) *QuoteRequest {
	qr := &QuoteRequest{Order: model.Order{ExternalID: "B", Market: "US", Currency: "USD",
		ShippingAddress: model.Address{Name: "Kai", Line1: "1 Main St", City: "Anchorage", Region: "AK", PostalCode: "99501", Country: "US"}}}
	for i := 0; i < n; i++ {
		qr.Lines = append(qr.Lines, model.Line{SKU: "S", Quantity: qty, WeightG: weightG, UnitPrice: model.Money{Amount: price, Currency: "USD"}})
	}
	if packageG > 0 {
		qr.Package = &PackageSpec{WeightG: packageG}
	}
	return qr
}

// TestQuoteOrderBounds: sums over the lines never wrap. 9,224 lines of 1e10 × 1e5 once summed
// past int64 into a negative declared value that passed the amount check (insurance at its
// minimum); a heavy order was told it weighs nothing. Every refusal names the field, the limit
// or what is missing.
func TestQuoteOrderBounds(t *testing.T) {
	t.Parallel()
	cards, err := DefaultCards()
	if err != nil {
		t.Fatal(err)
	}
	markets := config.DefaultMarkets()
	now := time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC)
	const price, qty = maxAmount, MaxPackUnits * 100 // the largest each line may carry
	for _, tc := range []struct {
		name        string
		qr          *QuoteRequest
		field, code string
		has, hasNot []string // in the message
	}{
		{"lines past int64", boundsOrder(9224, price, qty, 100, 1000), "lines", "too_many", []string{"1000", "9224"}, nil},
		{"too many lines, no package", boundsOrder(MaxQuoteLines+1, 1, 1, 100, 0), "lines", "too_many", []string{"1000"}, nil},
		{"declared value past the limit", boundsOrder(MaxQuoteLines, price, qty, 100, 1000), "lines", "invalid_amount", []string{"10000000000"}, nil},
		{"heavier than any parcel", boundsOrder(2, 1, 1, maxChargeableG, 0), "lines", "invalid_weight", []string{"10000000", "package.weight_g"}, []string{"nothing"}},
		{"heavy lines past int64", boundsOrder(MaxQuoteLines, 1, qty, maxChargeableG, 0), "lines", "invalid_weight", []string{"10000000"}, []string{"nothing"}},
		{"no weight anywhere", boundsOrder(2, 1, 1, 0, 0), "package.weight_g", "weight_unknown", []string{"lines[0].weight_g", "lines[1].weight_g", "package.weight_g"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := QuoteOrder(cards, tc.qr, markets, QuoteOptions{Now: now})
			var ve *model.ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) != 1 {
				t.Fatalf("err = %v, want one problem: %s on %s", err, tc.code, tc.field)
			}
			p := ve.Problems[0]
			if p.Field != tc.field || p.Code != tc.code {
				t.Errorf("%s on %s (%s), want %s on %s", p.Code, p.Field, p.Message, tc.code, tc.field)
			}
			for _, s := range tc.has {
				if !strings.Contains(p.Message, s) {
					t.Errorf("message %q lacks %q", p.Message, s)
				}
			}
			for _, s := range tc.hasNot {
				if strings.Contains(p.Message, s) {
					t.Errorf("message %q says %q", p.Message, s)
				}
			}
		})
	}

	// Lines without a weight are fine when the package has one.
	if _, err := QuoteOrder(cards, boundsOrder(3, 1999, 1, 0, 800), markets, QuoteOptions{Now: now}); err != nil {
		t.Errorf("lines without weight, package with: %v", err)
	}
	// One line without a weight under-weighs the parcel: named, not guessed.
	qr := boundsOrder(2, 1999, 1, 450, 0)
	qr.Lines[1].WeightG = 0
	_, err = QuoteOrder(cards, qr, markets, QuoteOptions{Now: now})
	var ve *model.ValidationError
	if !errors.As(err, &ve) || ve.Problems[0].Field != "package.weight_g" || !strings.Contains(ve.Problems[0].Message, "lines[1].weight_g") ||
		strings.Contains(ve.Problems[0].Message, "lines[0]") {
		t.Errorf("one line without weight: %v", err)
	}
}
