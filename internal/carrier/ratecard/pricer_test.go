package ratecard_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/carrier/ratecard"
	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/rating"
)

func defaultCards(t testing.TB) *rating.Cards {
	t.Helper()
	cards, err := rating.DefaultCards()
	if err != nil {
		t.Fatal(err)
	}
	return cards
}

// platformOnly are the reasons that are the platform's or the shop's, not the carrier's: a
// carrier prices the parcel whatever they are.
var platformOnly = []string{"not_certified", "currency_mismatch", "misses_promise"}

// TestPriceEqualsRatingQuote: for the same parcel, destination, hand-over day, COD and options,
// a carrier priced by Pricer charges exactly what rating's quote (QuoteOrder, lastmile's rate
// shopping) says, line by line; and where rating says the service cannot take the parcel,
// Pricer refuses it with the same reason code.
func TestPriceEqualsRatingQuote(t *testing.T) {
	t.Parallel()
	cards := defaultCards(t)
	paid := time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC)
	addr := func(country, city, region, postal string) model.Address {
		return model.Address{Name: "Buyer", Line1: "1 Main St", City: city, Region: region, PostalCode: postal, Country: country}
	}
	cases := []struct {
		name    string
		market  string
		cur     string
		to      model.Address
		grams   int64
		dims    [3]int64
		cod     int64
		options []string
		unit    int64
	}{
		{"worked example", "US", "USD", addr("US", "Anchorage", "AK", "99501"), 450, [3]int64{200, 150, 50}, 0, nil, 1999},
		{"priority", "US", "USD", addr("US", "Anchorage", "AK", "99501"), 450, [3]int64{200, 150, 50}, 0, []string{"priority"}, 1999},
		{"heavy to Honolulu insured", "US", "USD", addr("US", "Honolulu", "HI", "96813"), 3200, [3]int64{400, 300, 200}, 0, []string{"insurance"}, 25000},
		{"contiguous", "US", "USD", addr("US", "Mountain View", "CA", "94043"), 900, [3]int64{300, 200, 100}, 0, nil, 1500},
		{"London", "GB", "GBP", addr("GB", "London", "", "SW1A 1AA"), 1200, [3]int64{300, 200, 100}, 0, nil, 2000},
		{"Highlands", "GB", "GBP", addr("GB", "Kirkwall", "", "KW15 1AA"), 600, [3]int64{0, 0, 0}, 0, nil, 900},
		{"too heavy", "GB", "GBP", addr("GB", "London", "", "SW1A 1AA"), 25000, [3]int64{300, 200, 100}, 0, nil, 2000},
		{"Bangkok COD", "TH", "THB", addr("TH", "Bangkok", "10", "10110"), 800, [3]int64{250, 200, 100}, 50000, nil, 50000},
		{"Koh Samui", "TH", "THB", addr("TH", "Ko Samui", "84", "84320"), 2500, [3]int64{0, 0, 0}, 0, nil, 50000},
		{"Jakarta COD", "ID", "IDR", addr("ID", "Jakarta", "JK", "10110"), 700, [3]int64{200, 200, 100}, 14900000, nil, 14900000},
	}
	markets := config.DefaultMarkets()
	compared := 0
	for _, tc := range cases {
		qr := &rating.QuoteRequest{
			Order: model.Order{
				ExternalID: "X", Market: model.Market(tc.market), Currency: tc.cur, PaidAt: &paid, ShippingAddress: tc.to,
				Lines: []model.Line{{SKU: "S", Quantity: 1, WeightG: tc.grams, UnitPrice: model.Money{Amount: tc.unit, Currency: tc.cur}}},
			},
			Package: &rating.PackageSpec{WeightG: tc.grams, LengthMM: tc.dims[0], WidthMM: tc.dims[1], HeightMM: tc.dims[2]},
			Options: tc.options,
		}
		if tc.cod > 0 {
			qr.COD = &model.Money{Amount: tc.cod, Currency: tc.cur}
		}
		resp, err := rating.QuoteOrder(cards, qr, markets, rating.QuoteOptions{Now: paid})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		req := carrier.RateRequest{
			To: tc.to, Parcel: carrier.Parcel{WeightG: tc.grams, LengthMM: tc.dims[0], WidthMM: tc.dims[1], HeightMM: tc.dims[2]},
			ShipDate: resp.Promise.Handover.Time(), COD: model.Money{Amount: tc.cod, Currency: tc.cur},
			Declared: model.Money{Amount: tc.unit, Currency: tc.cur}, Options: tc.options,
		}
		for _, q := range resp.Quotes {
			if q.Reasons != nil && slices.ContainsFunc(q.Reasons, func(r rating.ReasonJSON) bool { return r.Code == "market_not_served" }) {
				continue
			}
			p, err := ratecard.NewPricer(cards, q.Carrier)
			if err != nil {
				t.Fatal(err)
			}
			var carrierReasons []string
			for _, r := range q.Reasons {
				if !slices.Contains(platformOnly, r.Code) {
					carrierReasons = append(carrierReasons, r.Code)
				}
			}
			got, err := p.Price(q.Service, req, time.Time{}, "purchase")
			what := fmt.Sprintf("%s: %s/%s", tc.name, q.Carrier, q.Service)
			if len(carrierReasons) > 0 || q.Total == nil {
				var e *carrier.Error
				if !errors.As(err, &e) || e.Kind != carrier.Refused || (len(carrierReasons) > 0 && e.Code != carrierReasons[0]) || e.Field == "" {
					t.Errorf("%s: rating says %v; Price gave %+v, %v", what, carrierReasons, got, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", what, err)
				continue
			}
			compared++
			if got.Total != *q.Total || got.ChargeableWeightG != q.ChargeableWeightG || got.TransitDaysMax != q.TransitDays.Max {
				t.Errorf("%s: charged %v (%d g, %d days), rating quotes %v (%d g, %d days)", what, got.Total, got.ChargeableWeightG,
					got.TransitDaysMax, *q.Total, q.ChargeableWeightG, q.TransitDays.Max)
			}
			if len(got.Lines) != len(q.Breakdown) {
				t.Errorf("%s: lines %v, rating %v", what, got.Lines, q.Breakdown)
				continue
			}
			for i, l := range q.Breakdown {
				if g := got.Lines[i]; string(g.Kind) != l.Kind.String() || g.Name != l.Name || g.Amount != l.Amount {
					t.Errorf("%s: line %d = %+v, rating %+v", what, i, g, l)
				}
			}
		}
	}
	if compared < 15 {
		t.Errorf("only %d prices compared; the cases should price most services", compared)
	}
}

// The worked example of docs/ratecards.md, from the J&T US card: USD 6.02, 6.82 with priority.
func TestWorkedExample(t *testing.T) {
	t.Parallel()
	c, err := ratecard.New(defaultCards(t), "jt-us", func() time.Time { return time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC) })
	if err != nil {
		t.Fatal(err)
	}
	req := carrier.RateRequest{
		From:   model.Address{Country: "US"},
		To:     model.Address{City: "Anchorage", Region: "AK", PostalCode: "99501", Country: "US"},
		Parcel: carrier.Parcel{WeightG: 450, LengthMM: 200, WidthMM: 150, HeightMM: 50},
	}
	rates, err := c.Rate(context.Background(), req)
	if err != nil || len(rates) != 1 || rates[0].Total != (model.Money{Amount: 602, Currency: "USD"}) || rates[0].ServiceName != "Standard" {
		t.Fatalf("rates = %+v, %v", rates, err)
	}
	want := []carrier.ChargeLine{{Kind: carrier.ChargeBase, Amount: 328}, {Kind: carrier.ChargeFuel, Amount: 9},
		{Kind: carrier.ChargeRemote, Amount: 250}, {Kind: carrier.ChargeFee, Name: "tracking", Amount: 15}}
	if !slices.Equal(rates[0].Lines, want) {
		t.Errorf("lines %+v", rates[0].Lines)
	}
	req.Options = []string{"priority"}
	if rates, err := c.Rate(context.Background(), req); err != nil || rates[0].Total.Amount != 682 {
		t.Errorf("priority: %+v %v", rates, err)
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	cards := defaultCards(t)
	today := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ok := carrier.RateRequest{
		From: model.Address{Country: "GB"}, To: model.Address{City: "London", PostalCode: "SW1A 1AA", Country: "GB"},
		Parcel: carrier.Parcel{WeightG: 500},
	}
	cases := []struct {
		name, carrierCode string
		change            func(r *carrier.RateRequest)
		code, field       string
	}{
		{"overweight", "royal-mail", func(r *carrier.RateRequest) { r.Parcel.WeightG = 30000 }, "overweight", "parcel.weight_g"},
		{"oversize", "royal-mail", func(r *carrier.RateRequest) { r.Parcel.LengthMM, r.Parcel.WidthMM, r.Parcel.HeightMM = 900, 100, 100 }, "oversize", "parcel"},
		{"no weight", "royal-mail", func(r *carrier.RateRequest) { r.Parcel.WeightG = 0 }, "missing_field", "parcel.weight_g"},
		{"market", "royal-mail", func(r *carrier.RateRequest) { r.To.Country = "FR"; r.To.PostalCode = "75001" }, "market_not_served", "to.country"},
		{"no country", "royal-mail", func(r *carrier.RateRequest) { r.To.Country = "" }, "missing_field", "to.country"},
		{"origin", "royal-mail", func(r *carrier.RateRequest) { r.From.Country = "CN" }, "origin_not_served", "from.country"},
		{"COD", "royal-mail", func(r *carrier.RateRequest) { r.COD = model.Money{Amount: 1000, Currency: "GBP"} }, "cod_unsupported", "cod"},
		{"COD currency", "royal-mail", func(r *carrier.RateRequest) { r.COD = model.Money{Amount: 1000, Currency: "USD"} }, "currency_mismatch", "cod.currency"},
		{"option", "evri", func(r *carrier.RateRequest) { r.Options = []string{"signature"} }, "option_unavailable", "options"},
		{"unknown service", "evri", func(r *carrier.RateRequest) { r.Services = []string{"next-day"} }, "service_unknown", "services"},
		{"before the card", "evri", func(r *carrier.RateRequest) { r.ShipDate = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC) }, "no_card_in_force", "ship_date"},
	}
	for _, tc := range cases {
		c, err := ratecard.New(cards, tc.carrierCode, func() time.Time { return today })
		if err != nil {
			t.Fatal(err)
		}
		req := ok
		tc.change(&req)
		_, err = c.Rate(context.Background(), req)
		var e *carrier.Error
		if !errors.As(err, &e) || e.Kind != carrier.Refused || e.Code != tc.code || e.Field != tc.field || e.Carrier != tc.carrierCode {
			t.Errorf("%s: %v, want %s on %s", tc.name, err, tc.code, tc.field)
		} else if e.Message == "" {
			t.Errorf("%s: no message", tc.name)
		}
	}
}

func TestServicesAndAdapter(t *testing.T) {
	t.Parallel()
	cards := defaultCards(t)
	p, err := ratecard.NewPricer(cards, "royal-mail")
	if err != nil {
		t.Fatal(err)
	}
	svcs := p.Services()
	if p.Name() != "Royal Mail" || len(svcs) != 2 || svcs[0].Code != "tracked-24" || svcs[1].Code != "tracked-48" ||
		svcs[0].Name != "Tracked 24" || !slices.Equal(svcs[0].Markets, []string{"GB"}) || svcs[0].TransitDaysMax != 2 ||
		!svcs[0].BusinessDays || svcs[0].COD || !slices.Equal(svcs[0].Options, []string{"signature"}) {
		t.Errorf("services %+v", svcs)
	}
	if _, err := ratecard.NewPricer(cards, "pony-express"); err == nil || !strings.Contains(err.Error(), "royal-mail") {
		t.Errorf("unknown carrier: %v", err)
	}
	c, err := carrier.Default().New("ratecard", map[string]any{"carrier": "usps"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Code() != "usps" || c.Capabilities() != carrier.CanRate {
		t.Errorf("adapter %s %v", c.Code(), c.Capabilities())
	}
	if _, err := carrier.Default().New("ratecard", map[string]any{"carrier": "usps", "cards": t.TempDir()}); err == nil {
		t.Error("an empty cards directory should be an error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Rate(ctx, carrier.RateRequest{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
