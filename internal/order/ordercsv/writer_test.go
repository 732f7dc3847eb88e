package ordercsv

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"

	"lastmile/internal/csvio"
	"lastmile/internal/model"
)

func writeOrders(t testing.TB, orders ...model.Order) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orders {
		if err := w.Write(o); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readOrders(t testing.TB, data []byte) []model.Order {
	t.Helper()
	_, groups := readAll(t, data, Options{})
	var orders []model.Order
	for _, g := range groups {
		if len(g.Problems) > 0 {
			t.Errorf("order %s: problems %+v", g.Order.ExternalID, g.Problems)
		}
		orders = append(orders, g.Order)
	}
	return orders
}

// TestRoundTrip: an export re-imports as the same orders.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	orders := sampleOrders()
	orders = append(orders, model.Order{
		ExternalID: "VN-1", Market: "VN", Currency: "VND", Status: model.StatusUnpaid,
		CreatedAt: utc("2024-03-04T01:02:03.456Z"), UpdatedAt: utc("2024-03-04T01:02:03.456Z"),
		Buyer: model.Buyer{Name: "Nguyễn Văn An"},
		ShippingAddress: model.Address{Name: "Nguyễn Văn An", Line1: "12 Lê Lợi", City: "Quận 1", Country: "VN",
			Phone: "+84901234567"},
		Lines: []model.Line{{SKU: "=SKU+1", Name: "-50% áo thun", Quantity: 4, UnitPrice: model.Money{Amount: 250000, Currency: "VND"}}},
		COD:   &model.Money{Amount: 1000000, Currency: "VND"},
	}, model.Order{
		ExternalID: "JP-1", Market: "JP", Currency: "JPY", Status: model.StatusAwaitingShipment,
		CreatedAt: utc("2024-03-05T00:00:00Z"), PaidAt: ptr(utc("2024-03-05T00:00:00Z")), UpdatedAt: utc("2024-03-05T00:00:00Z"),
		Buyer:           model.Buyer{Name: "@tanaka", Email: "'s-hertogenbosch@example.nl"},
		ShippingAddress: model.Address{Name: "'=already quoted", Line1: "+1 tab\tinside", Line2: "line\nbreak, comma", Country: "JP"},
		Lines:           []model.Line{{SKU: "A", Quantity: 1, UnitPrice: model.Money{Amount: 1200, Currency: "JPY"}}},
	})
	data := writeOrders(t, orders...)
	if !bytes.HasPrefix(data, []byte(csvio.BOM+strings.Join(Columns(), ",")+"\r\n")) {
		t.Fatalf("no BOM and canonical header: %q", data[:min(len(data), 80)])
	}
	equalOrders(t, readOrders(t, data), orders)
}

func TestWriterCells(t *testing.T) {
	t.Parallel()
	o := sampleOrders()[1] // IDR with COD
	o.Lines = append(o.Lines, model.Line{SKU: "@SKU", Name: "=HYPERLINK(\"http://x\")", Quantity: 1,
		UnitPrice: model.Money{Amount: 5, Currency: "IDR"}})
	o.CreatedAt = time.Date(2024, 3, 2, 10, 0, 0, 0, time.FixedZone("WIB", 7*3600))
	data := writeOrders(t, o)
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte(csvio.BOM)))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 {
		t.Fatalf("%d records, want header and 2 rows", len(recs))
	}
	cell := func(row int, c column) string { return recs[row][c] }
	checks := []struct {
		row  int
		c    column
		want string
	}{
		{1, colUnitPrice, "149000.00"},
		{1, colCODAmount, "447000.00"},
		{2, colCODAmount, "447000.00"}, // order-level columns on every row
		{2, colExternalID, "576461413420373999"},
		{1, colCreatedAt, "2024-03-02T03:00:00Z"},
		{1, colHasBattery, "false"},
		{1, colBuyerPhone, "'+6281234567890"},
		{2, colSKU, "'@SKU"},
		{2, colItemName, "'=HYPERLINK(\"http://x\")"},
		{2, colUnitPrice, "0.05"},
		{1, colPaidAt, "2024-03-02T03:00:00Z"},
	}
	for _, c := range checks {
		if got := cell(c.row, c.c); got != c.want {
			t.Errorf("row %d %s = %q, want %q", c.row, c.c, got, c.want)
		}
	}
}

func TestWriterMoneyScales(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		m    model.Money
		cur  string
		want string
	}{
		{model.Money{Amount: 1299, Currency: "USD"}, "USD", "12.99"},
		{model.Money{Amount: 14900000, Currency: "IDR"}, "IDR", "149000.00"},
		{model.Money{Amount: 250000, Currency: "VND"}, "VND", "250000"},
		{model.Money{Amount: 1200, Currency: "JPY"}, "JPY", "1200"},
		{model.Money{Amount: 1299}, "USD", "12.99"},
		{model.Money{Amount: 1299, Currency: "EUR"}, "USD", "12.99 EUR"},
	} {
		got, err := formatMoney(tc.m, tc.cur)
		if err != nil || got != tc.want {
			t.Errorf("formatMoney(%v, %s) = %q, %v; want %q", tc.m, tc.cur, got, err, tc.want)
		}
	}
	if _, err := formatMoney(model.Money{Amount: 1}, "XYZ"); err == nil {
		t.Error("no error for an unknown currency")
	}
}

// TestWrongLineCurrencyIsReported: a line in another currency is written with its code and
// read back as a problem, not as an amount in the order's currency.
func TestWrongLineCurrencyIsReported(t *testing.T) {
	t.Parallel()
	o := sampleOrders()[0]
	o.Lines[1].UnitPrice.Currency = "EUR"
	_, groups := readAll(t, writeOrders(t, o), Options{})
	if got := problemList(groups...); len(got) != 1 || got[0] != "3 currency_mismatch unit_price" {
		t.Errorf("problems %q", got)
	}
}

func TestWriterOrderWithoutLines(t *testing.T) {
	t.Parallel()
	o := sampleOrders()[2]
	o.Lines = nil
	_, groups := readAll(t, writeOrders(t, o), Options{})
	if len(groups) != 1 || groups[0].Order.ExternalID != o.ExternalID || len(groups[0].Order.Lines) != 1 ||
		groups[0].Order.Lines[0].SKU != "" {
		t.Errorf("groups %+v", groups)
	}
}

func TestWriterUnknownCurrency(t *testing.T) {
	t.Parallel()
	o := sampleOrders()[0]
	o.Currency = "XYZ"
	for i := range o.Lines {
		o.Lines[i].UnitPrice.Currency = "XYZ"
	}
	w, err := NewWriter(&bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(o); err == nil || !strings.Contains(err.Error(), o.ExternalID) {
		t.Errorf("Write: %v", err)
	}
}

type errWriter struct{}

var errDiskFull = errors.New("disk full")

func (errWriter) Write([]byte) (int, error) { return 0, errDiskFull }

func TestWriterError(t *testing.T) {
	t.Parallel()
	w, err := NewWriter(errWriter{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(sampleOrders()[0]); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); !errors.Is(err, errDiskFull) {
		t.Errorf("Flush: %v", err)
	}
}
