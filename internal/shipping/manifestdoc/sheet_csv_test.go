package manifestdoc

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strconv"
	"testing"

	"lastmile/internal/csvio"
	"lastmile/internal/model"
)

// TestCSVRoundTrip: the file starts with the BOM, encoding/csv reads it back as the header and
// one record per parcel, and each cell, with csvio's formula guard taken off, is what the
// sheet holds: text that looks like a formula, commas, quotes, line breaks and Chinese
// included; amounts in major units.
func TestCSVRoundTrip(t *testing.T) {
	t.Parallel()
	s := sample(5000)
	s.Warehouse.Code = "=HYPERLINK(\"http://evil\")"
	s.Rows[1].OrderNumber = "+8613800138000"
	s.Rows[2].Service = "-Express, \"Next Day\"\nline two" // (encoding/csv reads a quoted \r\n as \n)
	s.Rows[3].PackageID = "@SUM(A1:A9)"
	s.Rows[4].Service = "顺丰速运 标快"
	s.Rows[5].COD = &model.Money{Amount: 250_000, Currency: "VND"}
	s.Rows[6].COD = &model.Money{Amount: 5, Currency: "BHD"}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, s); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte(csvio.BOM)) {
		t.Fatal("no BOM")
	}
	if !bytes.Contains(b, []byte("\r\n")) {
		t.Error("no CRLF line ends")
	}
	r := csv.NewReader(bytes.NewReader(b[len(csvio.BOM):]))
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], CSVHeader) {
		t.Fatalf("header %q", recs[0])
	}
	if len(recs) != len(s.Rows)+1 {
		t.Fatalf("%d records, want %d", len(recs)-1, len(s.Rows))
	}
	if got := recs[1][3]; got != "'"+s.Warehouse.Code {
		t.Errorf("the formula-like warehouse code is written %q, unguarded", got)
	}
	for i, row := range s.Rows {
		rec := recs[i+1]
		for k := range rec {
			rec[k] = csvio.UnguardText(rec[k])
		}
		amount, currency := "", ""
		if row.COD != nil {
			scale, _ := model.CurrencyScale(row.COD.Currency)
			amount, currency = formatAmount(row.COD.Amount, scale), row.COD.Currency
		}
		want := []string{s.ManifestID, s.Carrier, s.CarrierRef, s.Warehouse.Code, s.ShipDate, strconv.Itoa(i + 1),
			row.TrackingNumber, row.OrderNumber, row.PackageID, row.Service, strconv.FormatInt(row.WeightG, 10), amount, currency}
		if !slices.Equal(rec, want) {
			t.Fatalf("record %d:\n%q\nwant\n%q", i+1, rec, want)
		}
	}
	for i, want := range map[int]string{0: "12.99", 5: "250000", 6: "0.005", 11: "149000.00"} {
		if got := recs[i+1][11]; got != want {
			t.Errorf("row %d: cod_amount %q, want %q", i+1, got, want)
		}
	}
}
