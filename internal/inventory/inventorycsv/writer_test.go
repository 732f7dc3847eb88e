package inventorycsv

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"lastmile/internal/csvio"
)

func writeLevels(t testing.TB, levels ...Level) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range levels {
		if err := w.Write(l); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestWriter(t *testing.T) {
	t.Parallel()
	got := string(writeLevels(t,
		Level{Warehouse: "SZ-01", SKU: "TSHIRT-RED-M", OnHand: 120, Reserved: 30, SafetyStock: 10, Available: 80},
		Level{Warehouse: "US-LA", SKU: "=HYPERLINK(\"http://x\")", OnHand: 3, Reserved: 3, LowStock: true},
		Level{Warehouse: "深圳仓", SKU: "+86-SKU, red", OnHand: 0},
	))
	want := csvio.BOM + "warehouse,sku,on_hand,safety_stock,reason,reserved,available,low_stock\r\n" +
		"SZ-01,TSHIRT-RED-M,120,10,,30,80,false\r\n" +
		"US-LA,\"'=HYPERLINK(\"\"http://x\"\")\",3,0,,3,0,true\r\n" +
		"深圳仓,\"'+86-SKU, red\",0,0,,0,0,false\r\n"
	if got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	if h := strings.Join(Columns(), ","); !strings.Contains(want, h) {
		t.Errorf("Columns() = %s", h)
	}
}

// TestRoundTrip: an export re-imports as the same warehouse, SKU, on_hand and safety_stock,
// without problems or unknown columns, whatever text the ids hold.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	levels := []Level{
		{Warehouse: "SZ-01", SKU: "TSHIRT-RED-M", OnHand: 120, Reserved: 30, SafetyStock: 10, Available: 80},
		{Warehouse: "SZ-01", SKU: "=1+1", OnHand: 5, SafetyStock: 0, Available: 5},
		{Warehouse: "SZ-01", SKU: "+86-SKU", OnHand: 0, Reserved: 0, SafetyStock: 2, LowStock: true},
		{Warehouse: "-wh", SKU: "@sum", OnHand: MaxQuantity, SafetyStock: MaxQuantity},
		{Warehouse: "'=x", SKU: "'s-Hertogenbosch", OnHand: 1},
		{Warehouse: "深圳仓", SKU: "耳机, \"白\"\n二代", OnHand: 1_200_000, SafetyStock: 12},
		{Warehouse: "W", SKU: "sku;with;semicolons\tand tabs", OnHand: 7},
	}
	data := writeLevels(t, levels...)
	r, rows := readAll(t, data)
	if r.Encoding() != csvio.EncodingUTF8BOM || r.Delimiter() != ',' || len(r.UnknownColumns()) > 0 {
		t.Errorf("encoding %s, delimiter %q, unknown %q", r.Encoding(), r.Delimiter(), r.UnknownColumns())
	}
	if len(rows) != len(levels) {
		t.Fatalf("%d rows for %d levels", len(rows), len(levels))
	}
	for i, l := range levels {
		if !sameLevel(rows[i], l) || len(rows[i].Problems) > 0 || rows[i].Reason != "" {
			t.Errorf("level %+v read back as %+v", l, rows[i])
		}
	}
}

var errDiskFull = errors.New("disk full")

type errWriter struct{}

func (errWriter) Write([]byte) (int, error) { return 0, errDiskFull }

func TestWriterError(t *testing.T) {
	t.Parallel()
	w, err := NewWriter(errWriter{})
	if err != nil {
		t.Fatal(err) // buffered: the error comes with Flush
	}
	if err := w.Write(Level{Warehouse: "W", SKU: "S"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); !errors.Is(err, errDiskFull) {
		t.Errorf("Flush: %v", err)
	}
}
