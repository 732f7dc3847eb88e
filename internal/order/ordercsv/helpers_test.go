package ordercsv

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"lastmile/internal/csvio"
	"lastmile/internal/model"
)

// testZones stand in for the markets' configured time zones (fixed offsets, so the tests need no
// tz database; March 2024 is winter time in Los Angeles).
var testZones = map[model.Market]*time.Location{
	"US": time.FixedZone("PST", -8*3600),
	"ID": time.FixedZone("WIB", 7*3600),
	"JP": time.FixedZone("JST", 9*3600),
}

func testOptions() Options {
	return Options{Location: func(m model.Market) *time.Location { return testZones[m] }}
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr[T any](v T) *T { return &v }

// sampleOrders are the orders every testdata/orders_*.csv file holds, written in that file's
// style: a two-line US order, an Indonesian COD order with a line break in an address cell and a
// UK order with Chinese text.
func sampleOrders() []model.Order {
	return []model.Order{
		{
			ExternalID: "576461413420373421", Market: "US", Currency: "USD", Status: model.StatusAwaitingShipment,
			CreatedAt: utc("2024-03-01T17:15:00Z"), PaidAt: ptr(utc("2024-03-01T17:16:30Z")), UpdatedAt: utc("2024-03-01T17:16:30Z"),
			Buyer: model.Buyer{Name: "Jane Doe", Email: "jane@example.com", Phone: "+12065550100"},
			ShippingAddress: model.Address{Name: "Jane Doe", Company: "Acme, Inc.", Line1: "1600 Amphitheatre Pkwy", Line2: "Apt 5",
				City: "Mountain View", Region: "CA", PostalCode: "94043", Country: "US", Phone: "+16505550100"},
			Lines: []model.Line{
				{SKU: "TSHIRT-RED-M", Name: "T-shirt red M", Quantity: 2, UnitPrice: model.Money{Amount: 1299, Currency: "USD"},
					WeightG: 180, LengthMM: 250, WidthMM: 200, HeightMM: 20, DeclaredName: "Cotton T-shirt"},
				{SKU: "DRONE-X1", Name: `Drone X1, 4K "pro"`, Quantity: 1, UnitPrice: model.Money{Amount: 129900, Currency: "USD"},
					WeightG: 950, LengthMM: 300, WidthMM: 250, HeightMM: 120, DeclaredName: "Toy drone", HasBattery: true},
			},
		},
		{
			ExternalID: "576461413420373999", Market: "ID", Currency: "IDR", Status: model.StatusAwaitingShipment,
			CreatedAt: utc("2024-03-02T03:00:00Z"), PaidAt: ptr(utc("2024-03-02T03:00:00Z")), UpdatedAt: utc("2024-03-02T03:00:00Z"),
			Buyer: model.Buyer{Name: "Budi Santoso", Phone: "+6281234567890"},
			ShippingAddress: model.Address{Name: "Budi Santoso", Line1: "Jl. Jenderal Sudirman No. 1", Line2: "RT 01/RW 02\nKebayoran Baru",
				City: "Jakarta Selatan", Region: "JK", PostalCode: "12190", Country: "ID", Phone: "+6281234567890"},
			Lines: []model.Line{
				{SKU: "HIJAB-01", Name: "Hijab voal motif", Quantity: 3, UnitPrice: model.Money{Amount: 14900000, Currency: "IDR"},
					WeightG: 120, LengthMM: 300, WidthMM: 200, HeightMM: 10, DeclaredName: "Polyester scarf"},
			},
			COD: &model.Money{Amount: 44700000, Currency: "IDR"},
		},
		{
			ExternalID: "GB-2024-0001", Market: "GB", Currency: "GBP", Status: model.StatusAwaitingShipment,
			CreatedAt: utc("2024-03-03T08:00:00Z"), PaidAt: ptr(utc("2024-03-03T08:05:00Z")), UpdatedAt: utc("2024-03-03T08:05:00Z"),
			Buyer: model.Buyer{Name: "Oliver Smith", Email: "oliver@example.co.uk"},
			ShippingAddress: model.Address{Name: "Oliver Smith", Line1: "221B Baker Street", City: "London", PostalCode: "NW1 6XE",
				Country: "GB", Phone: "+447700900123"},
			Lines: []model.Line{
				{SKU: "EARBUDS-BT5", Name: "蓝牙耳机 Bluetooth earbuds", Quantity: 1, UnitPrice: model.Money{Amount: 1999, Currency: "GBP"},
					WeightG: 60, LengthMM: 90, WidthMM: 60, HeightMM: 30, DeclaredName: "无线耳机 Wireless earphones", HasBattery: true},
			},
		},
	}
}

// sampleRows are the rows of sampleOrders in every testdata/orders_*.csv file: the address with a
// line break is one row.
var sampleRows = [][]int{{2, 3}, {4}, {5}}

// readAll reads every group of data, failing the test on an error other than io.EOF.
func readAll(t testing.TB, data []byte, opt Options) (*Reader, []Group) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(data), opt)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var groups []Group
	for {
		g, err := r.Next()
		if errors.Is(err, io.EOF) {
			return r, groups
		}
		if err != nil {
			t.Fatalf("Next after %d groups: %v", len(groups), err)
		}
		groups = append(groups, g)
	}
}

// header is the canonical header line.
var header = strings.Join(columnNames[:], ",")

// csvRows builds a file of the canonical header and rows given as column=value maps, so that a
// test names only the cells it is about.
func csvRows(rows ...map[string]string) string {
	var b strings.Builder
	b.WriteString(header + "\n")
	for _, r := range rows {
		cells := make([]string, numColumns)
		for k, v := range r {
			c, ok := headerIndex[csvio.HeaderKey(k)]
			if !ok {
				panic("no column " + k)
			}
			cells[c] = v
		}
		b.WriteString(strings.Join(cells, ",") + "\n")
	}
	return b.String()
}

// goodRow is a valid row of a USD order; with overrides it becomes the row a test needs.
func goodRow(id string, overrides ...string) map[string]string {
	r := map[string]string{
		"external_id": id, "market": "US", "currency": "USD", "status": "AWAITING_SHIPMENT",
		"created_at": "2024-03-01T09:00:00Z", "paid_at": "2024-03-01T09:05:00Z",
		"buyer_name": "Jane Doe", "ship_name": "Jane Doe", "ship_line1": "1 Main St", "ship_city": "Austin",
		"ship_region": "TX", "ship_postal_code": "78701", "ship_country": "US",
		"sku": "SKU-1", "item_name": "Mug", "quantity": "1", "unit_price": "9.99", "weight_g": "300",
	}
	for i := 0; i+1 < len(overrides); i += 2 {
		r[overrides[i]] = overrides[i+1]
	}
	return r
}

// problemList renders a group's problems one per line, "row code field", for comparisons.
func problemList(groups ...Group) []string {
	var out []string
	for _, g := range groups {
		for _, p := range g.Problems {
			out = append(out, fmt.Sprintf("%d %s %s", p.Row, p.Code, p.Field))
		}
	}
	return out
}

func equalOrders(t *testing.T, got, want []model.Order) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d orders, want %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("order %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}
