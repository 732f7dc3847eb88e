package order_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/order"
)

var (
	contractCreated = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	contractPaid    = time.Date(2026, 11, 20, 10, 1, 0, 0, time.UTC)
)

func ptrTime(t time.Time) *time.Time { return &t }

// contractOrder is the JSON contract's example order: US, USD, AWAITING_SHIPMENT, one line.
func contractOrder() model.Order {
	return model.Order{
		ExternalID: "576461413038785752", Market: "US", Currency: "USD", Status: awaitShip,
		CreatedAt: contractCreated, PaidAt: ptrTime(contractPaid), UpdatedAt: contractPaid,
		Buyer: model.Buyer{Name: "Jane Doe", Email: "jane@example.com", Phone: "+12065550100"},
		ShippingAddress: model.Address{Name: "Jane Doe", Line1: "1600 Amphitheatre Pkwy", City: "Mountain View",
			Region: "CA", PostalCode: "94043", Country: "US", Phone: "+16505550100"},
		Lines: []model.Line{{SKU: "TSHIRT-RED-M", Name: "T-shirt red M", Quantity: 2,
			UnitPrice: model.Money{Amount: 1299, Currency: "USD"}, WeightG: 180, LengthMM: 250, WidthMM: 200, HeightMM: 20,
			DeclaredName: "Cotton T-shirt"}},
	}
}

// thaiCODOrder is the example order in Thailand, paid cash on delivery (R-MKT-2).
func thaiCODOrder() model.Order {
	o := contractOrder()
	o.Market, o.Currency = "TH", "THB"
	o.ShippingAddress.Country = "TH"
	o.Lines[0].UnitPrice = model.Money{Amount: 25000, Currency: "THB"}
	o.COD = &model.Money{Amount: 50000, Currency: "THB"}
	return o
}

// twoLines gives the order a second, valid line, so a problem in it has the path lines[1].
func twoLines(o *model.Order) {
	o.Lines = append(o.Lines, model.Line{SKU: "CAP-BLUE", Name: "Cap blue", Quantity: 1,
		UnitPrice: model.Money{Amount: 900, Currency: o.Currency}, WeightG: 90})
}

type problem struct{ code, field string }

func problemsOf(list []model.FieldError) []problem {
	out := make([]problem, len(list))
	for i, p := range list {
		out[i] = problem{p.Code, p.Field}
	}
	return out
}

func samePlaces(got, want []problem) bool {
	key := func(p problem) string { return p.code + " " + p.field }
	g, w := make([]string, len(got)), make([]string, len(want))
	for i := range got {
		g[i] = key(got[i])
	}
	for i := range want {
		w[i] = key(want[i])
	}
	slices.Sort(g)
	slices.Sort(w)
	return slices.Equal(g, w)
}

func TestValidate(t *testing.T) {
	t.Parallel()
	markets := config.DefaultMarkets()
	lines := func(n int) []model.Line {
		l := make([]model.Line, n)
		for i := range l {
			l[i] = model.Line{SKU: fmt.Sprintf("SKU-%d", i), Quantity: 1, UnitPrice: model.Money{Amount: 100, Currency: "USD"}}
		}
		return l
	}
	tests := []struct {
		name  string
		base  func() model.Order
		edit  func(*model.Order)
		want  []problem
		check func(t *testing.T, o model.Order) // the normalised order, where it matters
	}{
		{name: "contract example is valid", base: contractOrder, edit: func(*model.Order) {}},
		{name: "COD order in Thailand is valid", base: thaiCODOrder, edit: func(*model.Order) {}},
		{name: "external_id of exactly 128 bytes is valid", base: contractOrder,
			edit: func(o *model.Order) { o.ExternalID = strings.Repeat("9", 128) }},
		{name: "1000 lines are valid", base: contractOrder, edit: func(o *model.Order) { o.Lines = lines(1000) }},
		{name: "zero unit price and zero weight are valid (a free gift)", base: contractOrder,
			edit: func(o *model.Order) { o.Lines[0].UnitPrice.Amount, o.Lines[0].WeightG = 0, 0 }},
		{name: "UNPAID without paid_at is valid", base: contractOrder,
			edit: func(o *model.Order) { o.Status, o.PaidAt = unpaid, nil }},
		{name: "CANCELLED without paid_at is valid", base: contractOrder,
			edit: func(o *model.Order) { o.Status, o.PaidAt = cancelled, nil }},

		// Normalize
		{name: "UK market normalises to GB", base: contractOrder,
			edit: func(o *model.Order) {
				o.Market, o.Currency, o.Lines[0].UnitPrice.Currency = " uk ", "GBP", "GBP"
			},
			check: func(t *testing.T, o model.Order) {
				if o.Market != "GB" {
					t.Errorf("Market = %q, want GB", o.Market)
				}
			}},
		{name: "lower-case currencies normalise", base: thaiCODOrder,
			edit: func(o *model.Order) { o.Currency, o.Lines[0].UnitPrice.Currency, o.COD.Currency = "thb", " thb", "Thb" },
			check: func(t *testing.T, o model.Order) {
				if o.Currency != "THB" || o.Lines[0].UnitPrice.Currency != "THB" || o.COD.Currency != "THB" {
					t.Errorf("currencies = %q, %q, %q; want THB", o.Currency, o.Lines[0].UnitPrice.Currency, o.COD.Currency)
				}
			}},
		{name: "missing line and COD currency take the order's", base: thaiCODOrder,
			edit: func(o *model.Order) { o.Lines[0].UnitPrice.Currency, o.COD.Currency = "", "" },
			check: func(t *testing.T, o model.Order) {
				if o.Lines[0].UnitPrice.Currency != "THB" || o.COD.Currency != "THB" {
					t.Errorf("line, COD currency = %q, %q; want THB", o.Lines[0].UnitPrice.Currency, o.COD.Currency)
				}
			}},
		{name: "lower-case status normalises", base: contractOrder,
			edit: func(o *model.Order) { o.Status = " in_transit " },
			check: func(t *testing.T, o model.Order) {
				if o.Status != inTransit {
					t.Errorf("Status = %q, want IN_TRANSIT", o.Status)
				}
			}},
		{name: "missing status with paid_at defaults to AWAITING_SHIPMENT", base: contractOrder,
			edit: func(o *model.Order) { o.Status = "" },
			check: func(t *testing.T, o model.Order) {
				if o.Status != awaitShip {
					t.Errorf("Status = %q, want AWAITING_SHIPMENT", o.Status)
				}
			}},
		{name: "missing status without paid_at defaults to UNPAID", base: contractOrder,
			edit: func(o *model.Order) { o.Status, o.PaidAt = "", nil },
			check: func(t *testing.T, o model.Order) {
				if o.Status != unpaid {
					t.Errorf("Status = %q, want UNPAID", o.Status)
				}
			}},
		{name: "missing updated_at defaults to created_at", base: contractOrder,
			edit: func(o *model.Order) { o.UpdatedAt = time.Time{} },
			check: func(t *testing.T, o model.Order) {
				if !o.UpdatedAt.Equal(contractCreated) {
					t.Errorf("UpdatedAt = %v, want created_at %v", o.UpdatedAt, contractCreated)
				}
			}},
		{name: "external_id is trimmed", base: contractOrder,
			edit: func(o *model.Order) { o.ExternalID = "  576461413038785752\t" },
			check: func(t *testing.T, o model.Order) {
				if o.ExternalID != "576461413038785752" {
					t.Errorf("ExternalID = %q", o.ExternalID)
				}
			}},

		// One problem each.
		{name: "missing external_id", base: contractOrder, edit: func(o *model.Order) { o.ExternalID = "" },
			want: []problem{{"missing_field", "external_id"}}},
		{name: "blank external_id", base: contractOrder, edit: func(o *model.Order) { o.ExternalID = "   " },
			want: []problem{{"missing_field", "external_id"}}},
		{name: "external_id of 129 bytes", base: contractOrder,
			edit: func(o *model.Order) { o.ExternalID = strings.Repeat("9", 129) },
			want: []problem{{"too_long", "external_id"}}},
		{name: "external_id with a space", base: contractOrder, edit: func(o *model.Order) { o.ExternalID = "5764 6141" },
			want: []problem{{"invalid_character", "external_id"}}},
		{name: "external_id with a control character", base: contractOrder, edit: func(o *model.Order) { o.ExternalID = "5764\x016141" },
			want: []problem{{"invalid_character", "external_id"}}},
		{name: "missing market", base: contractOrder, edit: func(o *model.Order) { o.Market = "" },
			want: []problem{{"missing_field", "market"}}},
		{name: "unknown market", base: contractOrder, edit: func(o *model.Order) { o.Market = "ZZ" },
			want: []problem{{"market_unknown", "market"}}},
		{name: "missing currency", base: contractOrder,
			edit: func(o *model.Order) { o.Currency, o.Lines[0].UnitPrice.Currency = "", "" },
			want: []problem{{"missing_field", "currency"}}},
		{name: "unknown currency", base: contractOrder,
			edit: func(o *model.Order) { o.Currency, o.Lines[0].UnitPrice.Currency = "ZZZ", "ZZZ" },
			want: []problem{{"currency_unknown", "currency"}}},
		{name: "currency of four letters", base: contractOrder,
			edit: func(o *model.Order) { o.Currency, o.Lines[0].UnitPrice.Currency = "USDT", "USDT" },
			want: []problem{{"currency_unknown", "currency"}}},
		{name: "currency not the market's: GB order in USD", base: contractOrder,
			edit: func(o *model.Order) { o.Market = "GB" },
			want: []problem{{"currency_mismatch", "currency"}}},
		{name: "unknown status", base: contractOrder, edit: func(o *model.Order) { o.Status = "SHIPPED" },
			want: []problem{{"status_unknown", "status"}}},
		{name: "missing created_at", base: contractOrder, edit: func(o *model.Order) { o.CreatedAt = time.Time{} },
			want: []problem{{"missing_field", "created_at"}}},
		{name: "updated_at before created_at", base: contractOrder,
			edit: func(o *model.Order) { o.UpdatedAt = contractCreated.Add(-time.Second) },
			want: []problem{{"time_order", "updated_at"}}},
		{name: "AWAITING_SHIPMENT without paid_at", base: contractOrder, edit: func(o *model.Order) { o.PaidAt = nil },
			want: []problem{{"missing_field", "paid_at"}}},
		{name: "IN_TRANSIT without paid_at", base: contractOrder,
			edit: func(o *model.Order) { o.Status, o.PaidAt = inTransit, nil },
			want: []problem{{"missing_field", "paid_at"}}},
		{name: "paid_at before created_at", base: contractOrder,
			edit: func(o *model.Order) { o.PaidAt = ptrTime(contractCreated.Add(-time.Minute)) },
			want: []problem{{"time_order", "paid_at"}}},
		{name: "no lines", base: contractOrder, edit: func(o *model.Order) { o.Lines = nil },
			want: []problem{{"missing_field", "lines"}}},
		{name: "1001 lines", base: contractOrder, edit: func(o *model.Order) { o.Lines = lines(1001) },
			want: []problem{{"too_many", "lines"}}},
		{name: "line without sku", base: contractOrder, edit: func(o *model.Order) { twoLines(o); o.Lines[1].SKU = " " },
			want: []problem{{"missing_field", "lines[1].sku"}}},
		{name: "quantity 0", base: contractOrder, edit: func(o *model.Order) { twoLines(o); o.Lines[1].Quantity = 0 },
			want: []problem{{"out_of_range", "lines[1].quantity"}}},
		{name: "negative quantity", base: contractOrder, edit: func(o *model.Order) { twoLines(o); o.Lines[1].Quantity = -2 },
			want: []problem{{"out_of_range", "lines[1].quantity"}}},
		{name: "negative unit price", base: contractOrder,
			edit: func(o *model.Order) { twoLines(o); o.Lines[1].UnitPrice.Amount = -1 },
			want: []problem{{"out_of_range", "lines[1].unit_price.amount"}}},
		{name: "line currency differs", base: contractOrder,
			edit: func(o *model.Order) { twoLines(o); o.Lines[1].UnitPrice.Currency = "EUR" },
			want: []problem{{"currency_mismatch", "lines[1].unit_price.currency"}}},
		{name: "negative weight", base: contractOrder, edit: func(o *model.Order) { twoLines(o); o.Lines[1].WeightG = -1 },
			want: []problem{{"out_of_range", "lines[1].weight_g"}}},
		{name: "negative dimensions", base: contractOrder,
			edit: func(o *model.Order) {
				twoLines(o)
				o.Lines[1].LengthMM, o.Lines[1].WidthMM, o.Lines[1].HeightMM = -1, -2, -3
			},
			want: []problem{{"out_of_range", "lines[1].length_mm"}, {"out_of_range", "lines[1].width_mm"},
				{"out_of_range", "lines[1].height_mm"}}},
		{name: "COD amount 0", base: thaiCODOrder, edit: func(o *model.Order) { o.COD.Amount = 0 },
			want: []problem{{"out_of_range", "cod.amount"}}},
		{name: "negative COD amount", base: thaiCODOrder, edit: func(o *model.Order) { o.COD.Amount = -100 },
			want: []problem{{"out_of_range", "cod.amount"}}},
		{name: "COD currency differs", base: thaiCODOrder, edit: func(o *model.Order) { o.COD.Currency = "USD" },
			want: []problem{{"currency_mismatch", "cod.currency"}}},

		// Several problems at once.
		{name: "three independent problems are all reported", base: thaiCODOrder,
			edit: func(o *model.Order) {
				o.ExternalID = ""
				twoLines(o)
				o.Lines[1].Quantity = 0
				o.COD.Amount = 0
			},
			want: []problem{{"missing_field", "external_id"}, {"out_of_range", "lines[1].quantity"}, {"out_of_range", "cod.amount"}}},
		{name: "problems in the order and in two lines", base: contractOrder,
			edit: func(o *model.Order) {
				o.Market = "ZZ"
				o.UpdatedAt = contractCreated.Add(-time.Hour)
				twoLines(o)
				o.Lines[0].SKU = ""
				o.Lines[1].UnitPrice.Amount = -5
				o.Lines[1].WeightG = -5
			},
			want: []problem{{"market_unknown", "market"}, {"time_order", "updated_at"}, {"missing_field", "lines[0].sku"},
				{"out_of_range", "lines[1].unit_price.amount"}, {"out_of_range", "lines[1].weight_g"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := tt.base()
			tt.edit(&o)
			order.Normalize(&o)
			got := order.Validate(&o, markets)
			if !samePlaces(problemsOf(got), tt.want) {
				t.Errorf("problems = %+v\nwant (code, field) = %+v", got, tt.want)
			}
			for _, p := range got {
				if p.Message == "" {
					t.Errorf("problem %s %s has no message", p.Code, p.Field)
				}
			}
			if tt.check != nil {
				tt.check(t, o)
			}
		})
	}
}

// Normalize only fills what is missing: an explicit status is never replaced by a default, even
// one that contradicts paid_at, and a present updated_at is kept.
func TestNormalizeKeepsExplicitValues(t *testing.T) {
	t.Parallel()
	o := contractOrder()
	o.Status = unpaid // explicit, though paid_at is set
	order.Normalize(&o)
	if o.Status != unpaid {
		t.Errorf("Status = %s, want the explicit UNPAID", o.Status)
	}
	if !o.UpdatedAt.Equal(contractPaid) {
		t.Errorf("UpdatedAt = %v, want %v", o.UpdatedAt, contractPaid)
	}
}
