package label_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"lastmile/internal/label"
	"lastmile/internal/label/labeltest"
	"lastmile/internal/model"
)

var allOptions = func() []label.Options {
	var out []label.Options
	for _, s := range label.Sizes() {
		for _, dpi := range []int{label.DPI203, label.DPI300} {
			out = append(out, label.Options{Size: s, DPI: dpi})
		}
	}
	return out
}()

func layout(t *testing.T, l label.Label, opt label.Options) *label.Page {
	t.Helper()
	p, err := label.Prepare(l, opt)
	if err != nil {
		t.Fatalf("%s %d dpi: %v", opt.Size.Name, opt.DPI, err)
	}
	pg := p.Layout()
	for _, bad := range labeltest.Check(pg) {
		t.Errorf("%s %d dpi: %s", opt.Size.Name, opt.DPI, bad)
	}
	return pg
}

func has[E label.Element](pg *label.Page) int {
	n := 0
	for _, e := range pg.Elements {
		if _, ok := e.(E); ok {
			n++
		}
	}
	return n
}

// TestMarkets: every market's label, at every size and resolution, keeps the layout rules,
// prints the city and postal code in the national format (R-LBL-4), and carries the
// anti-counterfeit QR exactly when it goes to GB, DE or FR (R-LBL-5).
func TestMarkets(t *testing.T) {
	t.Parallel()
	for _, m := range labeltest.Markets() {
		t.Run(m.Market, func(t *testing.T) {
			t.Parallel()
			for _, opt := range allOptions {
				pg := layout(t, labeltest.For(m.To), opt)
				if got := labeltest.Field(pg, "to.city"); !slices.Equal(got, m.CityLines) {
					t.Errorf("%s: city lines %q, want %q", opt.Size.Name, got, m.CityLines)
				}
				wantQR := m.Market == "GB" || m.Market == "DE" || m.Market == "FR"
				if got := has[label.QR](pg); got != map[bool]int{true: 1, false: 0}[wantQR] {
					t.Errorf("%s %d dpi: %d QR symbols", opt.Size.Name, opt.DPI, got)
				}
				if has[label.Barcode](pg) != 1 {
					t.Errorf("no barcode")
				}
				// R-LBL-3: buyer, order, seller, carrier and service are all printed.
				for _, f := range []string{"to.name", "to.line1", "to.country", "order_external_id", "from.name", "from.line1", "from.city", "carrier", "service", "tracking_number", "package", "weight_g", "sort_code"} {
					if len(labeltest.Field(pg, f)) == 0 {
						t.Errorf("%s: nothing printed for %s", opt.Size.Name, f)
					}
				}
				// Cross-border labels carry the customs block (R-SHIP-6), domestic ones not.
				if got, want := len(labeltest.Field(pg, "customs.contents")) > 0, m.Market != "US"; got != want {
					t.Errorf("customs block printed: %v, want %v", got, want)
				}
			}
		})
	}
}

// TestQRGeometry: the anti-counterfeit QR is at least 5×5 cm, in the bottom-right corner
// (R-LBL-5), its modules whole dots, and it encodes the platform's content unchanged.
func TestQRGeometry(t *testing.T) {
	t.Parallel()
	for _, opt := range allOptions {
		for _, content := range []string{"A", labeltest.QRContent, strings.Repeat("Z9", 106)} {
			l := labeltest.For(labeltest.Markets()[1].To)
			l.AntiCounterfeitQR = &content
			pg := layout(t, l, opt)
			for _, e := range pg.Elements {
				if q, ok := e.(label.QR); ok {
					mm := pg.MM(q.Size())
					if mm < label.QRMinMM || mm > 60 || q.Content != content {
						t.Errorf("%s %d dpi, %d bytes: QR %.1f mm, content %q", opt.Size.Name, opt.DPI, len(content), mm, q.Content)
					}
				}
			}
		}
	}
}

// TestBarcodeModule: the largest whole-dot module that fits, never below 0.25 mm; bars at
// least 15 mm high (R-LBL-2).
func TestBarcodeModule(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		number string
		dpi    int
		module int
	}{
		{"1Z999AA10123456784", 203, 3}, // 0.375 mm
		{"1Z999AA10123456784", 300, 5}, // 0.423 mm
		{"LM1234567890", 203, 4},       // short: 0.5 mm
		{"ABCDEFGHIJKLMNOPQRSTUVWXYZABCD", 203, 2},
		{"ABCDEFGHIJKLMNOPQRSTUVWXYZABCD", 300, 3},
		{"123456789012345678901234567890123456789012345678901234567890", 203, 2},
	} {
		l := labeltest.Example()
		l.TrackingNumber = c.number
		if !strings.HasPrefix(c.number, "1Z") {
			l.Carrier = "acme"
		}
		pg := layout(t, l, label.Options{DPI: c.dpi})
		for _, e := range pg.Elements {
			if b, ok := e.(label.Barcode); ok {
				if b.Module != c.module || b.Data != c.number {
					t.Errorf("%s at %d dpi: module %d dots, want %d", c.number, c.dpi, b.Module, c.module)
				}
			}
		}
	}
}

// TestLongText: long names and addresses are shrunk, wrapped or truncated with a visible
// mark, never clipped (labeltest.Check measures every line against its room).
func TestLongText(t *testing.T) {
	t.Parallel()
	long := "Maximilian Alexander Ferdinand Freiherr von und zu Wolffenstein-Hohenberg"
	l := labeltest.For(labeltest.Markets()[2].To) // DE: the tightest layout, with the QR
	l.To.Name = long
	l.To.Company = "Wolffenstein-Hohenberg Import Export und Logistik GmbH & Co. KG Niederlassung Berlin"
	l.To.Line1 = "Kurfürstendamm 195, Hinterhaus, Aufgang C, 4. Obergeschoss links, bei Schmidt"
	l.To.Line2 = strings.TrimSpace(strings.Repeat("Zugang über den Hof ", 10))
	l.From.Name = strings.Repeat("Shenzhen Longhua Cross-Border E-Commerce Trading ", 3)
	l.Customs.Contents = strings.Repeat("Organic cotton T-shirt, printed, short sleeves ", 3)
	l.SortCode = "BER-NORD-WEST-0042-X"
	l.COD = &model.Money{Amount: 123456789, Currency: "EUR"}
	l.HasBattery = true
	for _, opt := range allOptions {
		pg := layout(t, l, opt)
		name := strings.Join(labeltest.Field(pg, "to.name"), " ")
		if !strings.HasPrefix(long, strings.TrimSuffix(name, label.Ellipsis)) || name == "" {
			t.Errorf("%s: name printed as %q", opt.Size.Name, name)
		}
		line2 := labeltest.Field(pg, "to.line2")
		if len(line2) == 0 || !strings.HasSuffix(line2[len(line2)-1], label.Ellipsis) {
			t.Errorf("%s: truncated line2 without the mark: %q", opt.Size.Name, line2)
		}
		if len(labeltest.Field(pg, "cod")) == 0 || len(labeltest.Field(pg, "has_battery")) == 0 {
			t.Errorf("%s: COD or battery mark lost", opt.Size.Name)
		}
	}
	// A name a little too long for one line at full size is shrunk, not cut.
	l = labeltest.Example()
	l.To.Name = "Maximilian Alexander von Wolffenstein"
	pg := layout(t, l, label.Options{})
	if got := labeltest.Field(pg, "to.name"); len(got) != 1 || got[0] != l.To.Name {
		t.Errorf("name %q", got)
	}
}

// TestThreeLineAddress: company, line1 and line2 are all printed, in order.
func TestThreeLineAddress(t *testing.T) {
	t.Parallel()
	l := labeltest.Example()
	l.To.Company = "Acme Robotics Inc"
	l.To.Line1 = "1600 Amphitheatre Pkwy"
	l.To.Line2 = "Building 40, Floor 3, Mail Stop 42"
	for _, opt := range allOptions {
		pg := layout(t, l, opt)
		var got []string
		for _, txt := range labeltest.Texts(pg) {
			if strings.HasPrefix(txt.Field, "to.") {
				got = append(got, txt.S)
			}
		}
		want := []string{"Jane Doe", "Acme Robotics Inc", "1600 Amphitheatre Pkwy", "Building 40, Floor 3, Mail Stop 42", "Mountain View, CA 94043", "UNITED STATES", "Tel +16505550100"}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %q", opt.Size.Name, got)
		}
	}
}

// TestCODAndBattery: the COD amount, framed (R-MKT-2), and the battery mark (R-SHIP-6) are
// printed exactly when present.
func TestCODAndBattery(t *testing.T) {
	t.Parallel()
	for _, cod := range []bool{false, true} {
		for _, battery := range []bool{false, true} {
			for _, to := range []model.Address{labeltest.Example().To, labeltest.Markets()[4].To, labeltest.Markets()[1].To} {
				l := labeltest.For(to)
				if cod {
					l.COD = &model.Money{Amount: 14900000, Currency: "IDR"}
				}
				l.HasBattery = battery
				name := fmt.Sprintf("%s cod=%v battery=%v", to.Country, cod, battery)
				pg := layout(t, l, label.Options{})
				gotCOD := labeltest.Field(pg, "cod")
				if cod != (len(gotCOD) == 1 && gotCOD[0] == "COD IDR 149,000.00") {
					t.Errorf("%s: COD printed as %q", name, gotCOD)
				}
				if got := labeltest.Field(pg, "has_battery"); battery != (len(got) == 1 && got[0] == "CONTAINS BATTERIES") {
					t.Errorf("%s: battery mark %q", name, got)
				}
				frames := 0
				for _, e := range pg.Elements {
					if b, ok := e.(label.Box); ok && b.Line > 0 {
						frames++
					}
				}
				// The sort code's frame, the COD frame, the battery's body.
				if want := 1 + map[bool]int{true: 1}[cod] + map[bool]int{true: 1}[battery]; frames != want {
					t.Errorf("%s: %d frames, want %d", name, frames, want)
				}
			}
		}
	}
}

// TestLayoutDeterministic: the same label lays out the same way (R-LBL-6).
func TestLayoutDeterministic(t *testing.T) {
	t.Parallel()
	l := labeltest.For(labeltest.Markets()[3].To)
	a, _ := label.Prepare(l, label.Options{})
	b, _ := label.Prepare(l, label.Options{})
	if !reflect.DeepEqual(a.Layout(), b.Layout()) || !reflect.DeepEqual(a.Layout(), a.Layout()) {
		t.Error("two layouts of one label differ")
	}
}
