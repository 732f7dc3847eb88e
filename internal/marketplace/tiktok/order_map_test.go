package tiktok

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"slices"
	"testing"
	"time"

	"lastmile/internal/model"
)

func readOrder(t testing.TB, name string) Order {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var o Order
	if err := json.Unmarshal(b, &o); err != nil {
		t.Fatal(err)
	}
	return o
}

func TestToOrder(t *testing.T) {
	t.Parallel()
	m, err := ToOrder(readOrder(t, "order_us.json"), "shop_1")
	if err != nil {
		t.Fatal(err)
	}
	o := m.Order
	paid := time.Unix(1718305600, 0).UTC()
	want := model.Order{
		ShopID: "shop_1", ExternalID: "576461413038785752", Market: "US", Currency: "USD", Status: model.StatusAwaitingShipment,
		CreatedAt: time.Unix(1718305585, 0).UTC(), PaidAt: &paid, UpdatedAt: time.Unix(1718305645, 0).UTC(),
		Buyer: model.Buyer{Name: "Jane Doe", Email: "v2_abc@scs.tiktokw.us", Phone: "+16505550100"},
		ShippingAddress: model.Address{Name: "Jane Doe", Line1: "1600 Amphitheatre Pkwy", Line2: "Building 40", City: "Mountain View",
			Region: "California", PostalCode: "94043", Country: "US", Phone: "+16505550100"},
		// Two line items of one SKU at one price are one line of two; the cancelled item is left out.
		Lines: []model.Line{
			{SKU: "TSHIRT-RED-M", Name: "T-shirt red (M)", Quantity: 2, UnitPrice: model.Money{Amount: 1299, Currency: "USD"}},
			{SKU: "PB-10000", Name: "Power bank 10000mAh", Quantity: 1, UnitPrice: model.Money{Amount: 2499, Currency: "USD"}},
		},
	}
	if !reflect.DeepEqual(o, want) {
		t.Fatalf("order\n got %+v\nwant %+v", o, want)
	}
	if !slices.Equal(m.LineItemIDs[0], []string{"577086512123755123", "577086512123755124"}) || !slices.Equal(m.LineItemIDs[1], []string{"577086512123755125"}) {
		t.Errorf("line item ids %v", m.LineItemIDs)
	}
	if m.LinePackageIDs[0] != "1153132168123859123" || !slices.Equal(m.PackageIDs, []string{"1153132168123859123"}) {
		t.Errorf("packages %v %v", m.LinePackageIDs, m.PackageIDs)
	}
	if m.ShippingType != ShippingTypeSeller || m.FulfillmentType != FulfillmentBySeller || m.BuyerMessage != "Please pack carefully" ||
		m.DeliveryOptionID != "7091146663229654785" {
		t.Errorf("mapped %+v", m)
	}
	wantDeadlines := map[string]time.Time{
		DeadlineRTSSLA: time.Unix(1718564800, 0).UTC(), DeadlineTTSSLA: time.Unix(1718651200, 0).UTC(),
		DeadlineShippingDue: time.Unix(1718564800, 0).UTC(), DeadlineCollectionDue: time.Unix(1718651200, 0).UTC(),
		DeadlineDeliverySLA: time.Unix(1718910400, 0).UTC(), DeadlineDeliveryDue: time.Unix(1718996800, 0).UTC(),
	}
	if !reflect.DeepEqual(m.Deadlines, wantDeadlines) {
		t.Errorf("deadlines %v", m.Deadlines)
	}
	if !reflect.DeepEqual(m.Milestones, map[string]time.Time{MilestonePaid: paid}) {
		t.Errorf("milestones %v", m.Milestones)
	}
}

func TestToOrderVariants(t *testing.T) {
	t.Parallel()
	base := readOrder(t, "order_us.json")
	cases := []struct {
		name  string
		edit  func(o *Order)
		check func(t *testing.T, m Mapped)
	}{
		{"GB address with post town and UK code", func(o *Order) {
			o.RecipientAddress.RegionCode = "UK"
			o.RecipientAddress.DistrictInfo = []District{{"country", "United Kingdom", "L0"}, {"County", "Greater London", "L1"}, {"Post town", "London", "L2"}}
			o.Payment.Currency = "GBP"
			for i := range o.LineItems {
				o.LineItems[i].Currency = "GBP"
			}
		}, func(t *testing.T, m Mapped) {
			a := m.Order.ShippingAddress
			if m.Order.Market != "GB" || a.Country != "GB" || a.City != "London" || a.Region != "Greater London" {
				t.Errorf("%+v", a)
			}
		}},
		{"district levels without names", func(o *Order) {
			o.RecipientAddress.DistrictInfo = []District{{"", "Indonesia", "L0"}, {"", "DKI Jakarta", "L1"}, {"", "Jakarta Selatan", "L2"}, {"", "Kebayoran Baru", "L3"}}
		}, func(t *testing.T, m Mapped) {
			a := m.Order.ShippingAddress
			if a.Region != "DKI Jakarta" || a.City != "Kebayoran Baru" {
				t.Errorf("%+v", a)
			}
		}},
		{"one level only is the city", func(o *Order) {
			o.RecipientAddress.DistrictInfo = []District{{"country", "Singapore", "L0"}, {"City", "Singapore", "L1"}}
		}, func(t *testing.T, m Mapped) {
			if a := m.Order.ShippingAddress; a.City != "Singapore" || a.Region != "" {
				t.Errorf("%+v", a)
			}
		}},
		{"quantity field", func(o *Order) {
			o.LineItems = o.LineItems[2:3]
			o.LineItems[0].Quantity = 3
		}, func(t *testing.T, m Mapped) {
			if l := m.Order.Lines; len(l) != 1 || l[0].Quantity != 3 {
				t.Errorf("%+v", l)
			}
		}},
		{"same SKU at two prices is two lines", func(o *Order) { o.LineItems[1].SalePrice = "10.00" }, func(t *testing.T, m Mapped) {
			if len(m.Order.Lines) != 3 || m.Order.Lines[1].UnitPrice.Amount != 1000 {
				t.Errorf("%+v", m.Order.Lines)
			}
		}},
		{"COD collects the total", func(o *Order) { o.IsCOD = true }, func(t *testing.T, m Mapped) {
			if m.Order.COD == nil || *m.Order.COD != (model.Money{Amount: 5097, Currency: "USD"}) {
				t.Errorf("%+v", m.Order.COD)
			}
		}},
		{"IDR prices in rupiah", func(o *Order) {
			o.Payment.Currency = "IDR"
			o.Payment.TotalAmount = "149000"
			o.IsCOD = true
			for i := range o.LineItems {
				o.LineItems[i].Currency, o.LineItems[i].SalePrice = "IDR", "149000"
			}
		}, func(t *testing.T, m Mapped) {
			if m.Order.Lines[0].UnitPrice.Amount != 14900000 || m.Order.COD.Amount != 14900000 {
				t.Errorf("%+v %+v", m.Order.Lines[0].UnitPrice, m.Order.COD)
			}
		}},
		{"webhook CANCEL spelling", func(o *Order) { o.Status = "CANCEL"; o.CancelReason = "out of stock"; o.CancelTime = 1718309999 }, func(t *testing.T, m Mapped) {
			if m.Order.Status != model.StatusCancelled || m.Order.CancelReason != "out of stock" || m.Milestones[MilestoneCancel].IsZero() {
				t.Errorf("%+v", m.Order)
			}
		}},
		{"every item cancelled keeps the lines", func(o *Order) {
			o.Status = OrderCancelled
			for i := range o.LineItems {
				o.LineItems[i].PackageStatus = LineCancelled
			}
		}, func(t *testing.T, m Mapped) {
			if len(m.Order.Lines) != 3 {
				t.Errorf("%+v", m.Order.Lines)
			}
		}},
		{"partially shipping", func(o *Order) { o.Status = OrderPartiallyShipping }, func(t *testing.T, m Mapped) {
			if m.Order.Status != model.StatusPartiallyShipping {
				t.Errorf("%s", m.Order.Status)
			}
		}},
		{"no update time is the create time, no paid time", func(o *Order) { o.UpdateTime = 0; o.PaidTime = 0; o.Status = OrderUnpaid }, func(t *testing.T, m Mapped) {
			if !m.Order.UpdatedAt.Equal(m.Order.CreatedAt) || m.Order.PaidAt != nil {
				t.Errorf("%+v", m.Order)
			}
		}},
		{"name from first and last", func(o *Order) { o.RecipientAddress.Name = "" }, func(t *testing.T, m Mapped) {
			if m.Order.ShippingAddress.Name != "Jane Doe" {
				t.Errorf("%q", m.Order.ShippingAddress.Name)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			o := base
			o.LineItems = slices.Clone(base.LineItems)
			o.RecipientAddress.DistrictInfo = slices.Clone(base.RecipientAddress.DistrictInfo)
			c.edit(&o)
			m, err := ToOrder(o, "s")
			if err != nil {
				t.Fatal(err)
			}
			c.check(t, m)
		})
	}
}

func TestToOrderRefuses(t *testing.T) {
	t.Parallel()
	base := readOrder(t, "order_us.json")
	cases := []struct {
		name  string
		edit  func(o *Order)
		field string
	}{
		{"no id", func(o *Order) { o.ID = " " }, "id"},
		{"unknown status", func(o *Order) { o.Status = "SHIPPED" }, "status"},
		{"no create time", func(o *Order) { o.CreateTime = 0 }, "create_time"},
		{"no country", func(o *Order) { o.RecipientAddress.RegionCode = "" }, "recipient_address.region_code"},
		{"unknown currency", func(o *Order) { o.Payment.Currency = "XYZ" }, "payment.currency"},
		{"float price", func(o *Order) { o.LineItems[0].SalePrice = "1.2e1" }, "line_items[0].sale_price"},
		{"too many decimals", func(o *Order) { o.LineItems[2].SalePrice = "24.999" }, "line_items[2].sale_price"},
		{"mixed currency", func(o *Order) { o.LineItems[1].Currency = "EUR" }, "line_items[1].currency"},
		{"negative quantity", func(o *Order) { o.LineItems[0].Quantity = -1 }, "line_items[0].quantity"},
		{"no sku", func(o *Order) { o.LineItems[0].SellerSKU, o.LineItems[0].SKUID = "", "" }, "line_items[0].seller_sku"},
		{"no items", func(o *Order) { o.LineItems = nil }, "line_items"},
		{"COD without total", func(o *Order) { o.IsCOD = true; o.Payment.TotalAmount = "" }, "payment.total_amount"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			o := base
			o.LineItems = slices.Clone(base.LineItems)
			c.edit(&o)
			_, err := ToOrder(o, "s")
			var ve *model.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, model.ErrInvalid) {
				t.Fatalf("error %v, want a *model.ValidationError", err)
			}
			found := false
			for _, p := range ve.Problems {
				found = found || p.Field == c.field
			}
			if !found {
				t.Fatalf("problems %+v do not name %s", ve.Problems, c.field)
			}
		})
	}
}

// FuzzToOrder feeds arbitrary platform order JSON to ToOrder, which maps outside input.
// Property: it never panics and is deterministic; a success is an order lastmile can keep (an
// id, a known status and market, at least one line, every quantity at least one and the units
// adding up to the line items kept, prices not negative and in the order's currency, UTC
// times, COD exactly when is_cod, line item ids for every line); a failure is a
// *model.ValidationError naming a field.
func FuzzToOrder(f *testing.F) {
	b, err := os.ReadFile("testdata/order_us.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"id":"1","status":"CANCEL","create_time":1,"recipient_address":{"region_code":"uk"},"payment":{"currency":"gbp","total_amount":"0"},"is_cod":true,"line_items":[{"id":"a","sku_id":"s","sale_price":"0","quantity":2}]}`))
	f.Add([]byte(`{"id":"1","status":"UNPAID","create_time":9223372036854775807,"update_time":-5,"recipient_address":{"region_code":"ID","district_info":[{"address_level_name":"City","address_name":"X"}]},"payment":{"currency":"IDR"},"line_items":[{"seller_sku":"a","sale_price":"99999999999999999999"}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var p Order
		if err := json.Unmarshal(raw, &p); err != nil {
			return
		}
		m, err := ToOrder(p, "shop")
		m2, err2 := ToOrder(p, "shop")
		if (err == nil) != (err2 == nil) || !reflect.DeepEqual(m, m2) {
			t.Fatal("ToOrder is not deterministic")
		}
		if err != nil {
			var ve *model.ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) == 0 {
				t.Fatalf("error %v is not a validation error", err)
			}
			for _, pr := range ve.Problems {
				if pr.Field == "" || pr.Message == "" || pr.Code == "" {
					t.Fatalf("problem without field, code or message: %+v", pr)
				}
			}
			return
		}
		o := m.Order
		if o.ExternalID == "" || !o.Status.Valid() || o.Market == "" || len(o.Lines) == 0 || len(m.LineItemIDs) != len(o.Lines) || o.ShopID != "shop" {
			t.Fatalf("incomplete order %+v", m)
		}
		if o.CreatedAt.Location() != time.UTC || o.UpdatedAt.Location() != time.UTC || (o.PaidAt != nil && o.PaidAt.Location() != time.UTC) {
			t.Fatal("times not in UTC")
		}
		var units, kept int64
		all := true
		for _, it := range p.LineItems {
			all = all && cancelledItem(it)
		}
		for _, it := range p.LineItems {
			if cancelledItem(it) && !all {
				continue
			}
			kept += max(it.Quantity, 1)
		}
		for i, l := range o.Lines {
			if l.Quantity < 1 || l.UnitPrice.Amount < 0 || l.UnitPrice.Currency != o.Currency || l.SKU == "" || len(m.LineItemIDs[i]) == 0 {
				t.Fatalf("bad line %+v", l)
			}
			units += l.Quantity
		}
		if units != kept {
			t.Fatalf("%d units in the lines, %d in the line items kept", units, kept)
		}
		if (o.COD != nil) != p.IsCOD || (o.COD != nil && (o.COD.Amount < 0 || o.COD.Currency != o.Currency)) {
			t.Fatalf("COD %+v for is_cod %v", o.COD, p.IsCOD)
		}
		for k, v := range m.Deadlines {
			if v.IsZero() || v.Location() != time.UTC {
				t.Fatalf("deadline %s %v", k, v)
			}
		}
	})
}

func BenchmarkToOrder(b *testing.B) {
	o := readOrder(b, "order_us.json")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ToOrder(o, "shop"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestToOrderPacking: an order the platform packed in two packages (a split, webhook type 4)
// carries each package's SKUs and units, one line item per unit; one package needs no packing.
func TestToOrderPacking(t *testing.T) {
	t.Parallel()
	p := readOrder(t, "order_us.json")
	if len(p.LineItems) == 0 {
		t.Fatal("sample without line items")
	}
	base := p.LineItems[0]
	item := func(id, sku, pkg string) LineItem {
		it := base
		it.ID, it.SellerSKU, it.PackageID, it.PackageStatus, it.DisplayStatus = id, sku, pkg, LineToFulfill, OrderAwaitingShipment
		return it
	}
	p.LineItems = []LineItem{item("1", "A", "p1"), item("2", "A", "p2"), item("3", "B", "p2"), item("4", "A", "p1")}
	p.Packages = []PackageRef{{ID: "p1"}, {ID: "p2"}}
	m, err := ToOrder(p, "shop_1")
	if err != nil {
		t.Fatal(err)
	}
	want := []model.PackingGroup{
		{ExternalID: "p1", Lines: []model.PackageLine{{SKU: "A", Quantity: 2}}},
		{ExternalID: "p2", Lines: []model.PackageLine{{SKU: "A", Quantity: 1}, {SKU: "B", Quantity: 1}}},
	}
	if !reflect.DeepEqual(m.Order.Packing, want) {
		t.Fatalf("packing %+v, want %+v", m.Order.Packing, want)
	}
	p.Packages = p.Packages[:1]
	for i := range p.LineItems {
		p.LineItems[i].PackageID = "p1"
	}
	if m, _ := ToOrder(p, "shop_1"); m.Order.Packing != nil {
		t.Fatalf("one package: packing %+v, want none", m.Order.Packing)
	}
}
