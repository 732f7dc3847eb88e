package manifestdoc

import (
	"bytes"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"lastmile/internal/label/labeltest"
	"lastmile/internal/model"
	"lastmile/internal/testtool"
)

// sample is a manifest of n parcels: UPS from a Los Angeles warehouse, one parcel in seven
// with COD in USD and one in eleven in IDR, tracking numbers of growing length.
func sample(n int) Sheet {
	s := Sheet{
		ManifestID: "man_01JD3Q3K8Z7W2M5N6P4R9S0T1V", Carrier: "ups", CarrierName: "UPS", CarrierRef: "SCAN9475711899561",
		Warehouse: Warehouse{Code: "LAX-1", Name: "Ontario Fulfilment", Address: model.Address{
			Line1: "1 Warehouse Way", City: "Ontario", Region: "CA", PostalCode: "91761", Country: "US"}},
		ShipDate:  "2025-11-28",
		CreatedAt: time.Date(2025, 11, 28, 17, 5, 0, 0, time.FixedZone("PST", -8*3600)),
		Pickup:    "PRN 29X7HGT, 14:00-18:00",
	}
	for i := range n {
		r := Row{
			TrackingNumber: fmt.Sprintf("1Z999AA1%010d", i),
			OrderNumber:    fmt.Sprintf("5764614130387%05d", i),
			PackageID:      fmt.Sprintf("pkg_01JD3Q3K8Z7W2M5N6P4R9S%04d", i%10000),
			Service:        []string{"Ground", "Next Day Air Saver", "2nd Day Air"}[i%3],
			WeightG:        int64(100 + i%5000),
		}
		switch {
		case i%7 == 0:
			r.COD = &model.Money{Amount: 1299, Currency: "USD"}
		case i%11 == 0:
			r.COD = &model.Money{Amount: 14_900_000, Currency: "IDR"}
		}
		s.Rows = append(s.Rows, r)
	}
	return s
}

func writePDF(t testing.TB, s Sheet) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WritePDF(&buf, s); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// render rasterises page of doc at dpi with poppler, in grey.
func render(t testing.TB, doc []byte, page, dpi int) *image.Gray {
	t.Helper()
	testtool.Command(t, "pdftoppm", "apt-get install poppler-utils")
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	p := strconv.Itoa(page)
	out, err := exec.Command("pdftoppm", "-r", strconv.Itoa(dpi), "-gray", "-f", p, "-l", p, "-singlefile", in, filepath.Join(dir, "page")).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "page.pgm"))
	if err != nil {
		t.Fatal(err)
	}
	// P5, width, height, 255, one white-space byte, the pixels.
	f := regexp.MustCompile(`^P5\s+(\d+)\s+(\d+)\s+255\s`).FindSubmatch(b)
	if f == nil {
		t.Fatal("pdftoppm wrote no binary PGM")
	}
	w, _ := strconv.Atoi(string(f[1]))
	h, _ := strconv.Atoi(string(f[2]))
	pix := b[len(f[0]):]
	if len(pix) != w*h {
		t.Fatalf("PGM of %d×%d with %d bytes", w, h, len(pix))
	}
	return &image.Gray{Pix: pix, Stride: w, Rect: image.Rect(0, 0, w, h)}
}

// pdfText extracts the text of doc with poppler's pdftotext, page by page.
func pdfText(t testing.TB, doc []byte) []string {
	t.Helper()
	testtool.Command(t, "pdftotext", "apt-get install poppler-utils")
	in := filepath.Join(t.TempDir(), "in.pdf")
	if err := os.WriteFile(in, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := strings.Split(string(out), "\f")
	return pages[:len(pages)-1] // the text ends with a form feed
}

// pageCount is the number of pages poppler reads.
func pageCount(t testing.TB, doc []byte) (int, string) {
	t.Helper()
	testtool.Command(t, "pdfinfo", "apt-get install poppler-utils")
	in := filepath.Join(t.TempDir(), "in.pdf")
	if err := os.WriteFile(in, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("pdfinfo", in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Fatalf("pdfinfo: %v\n%s", err, stderr.Bytes())
	}
	n := regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`).FindSubmatch(stdout.Bytes())
	size := regexp.MustCompile(`(?m)^Page size:\s+(.*)$`).FindSubmatch(stdout.Bytes())
	if n == nil || size == nil {
		t.Fatalf("pdfinfo:\n%s", stdout.Bytes())
	}
	pages, _ := strconv.Atoi(string(n[1]))
	return pages, string(size[1])
}

// mmRect is a rectangle given in millimetres, in pixels at dpi.
func mmRect(x0, y0, x1, y1 float64, dpi int) image.Rectangle {
	px := func(mm float64) int { return int(mm * float64(dpi) / 25.4) }
	return image.Rect(px(x0), px(y0), px(x1), px(y1))
}

// TestPDFScanForm: on A4 and on Letter, the first page has the manifest's facts and its id as
// a barcode that scans back (the carrier's reference too), every page its number of the
// total, and the last page the block the driver signs, with the parcel count.
func TestPDFScanForm(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		paper Paper
		size  string
		w     float64 // mm
	}{{A4, "(A4)", 210}, {Letter, "(letter)", 215.9}} {
		s := sample(70)
		s.Paper = c.paper
		s.Rows[22].COD = &model.Money{Amount: 1_490_000_000, Currency: "IDR"} // wider than its column at 8.5 pt
		doc := writePDF(t, s)
		pages, size := pageCount(t, doc)
		if !strings.Contains(size, c.size) {
			t.Errorf("page size %s, want %s", size, c.size)
		}
		const dpi = 200
		img := render(t, doc, 1, dpi)
		_, barW := barcodeGeometry(s.ManifestID, idBarRoom)
		area := mmRect(c.w-margin-barW-1, margin-1, c.w-margin+1, margin+barH+1, dpi)
		if got, err := labeltest.DecodeCode128(img.SubImage(area)); err != nil || got != s.ManifestID {
			t.Errorf("%s: the manifest barcode scanned as %q (%v)", size, got, err)
		}
		// The carrier's reference: under the facts, on the left; scan the band of the page's
		// left half between the facts and the table.
		band := mmRect(0, 60, c.w/2, 110, dpi)
		if got, err := labeltest.DecodeCode128(img.SubImage(band)); err != nil || got != s.CarrierRef {
			t.Errorf("%s: the carrier reference barcode scanned as %q (%v)", size, got, err)
		}

		text := pdfText(t, doc)
		if len(text) != pages {
			t.Fatalf("%d pages of text, %d pages", len(text), pages)
		}
		first := strings.Join(strings.Fields(text[0]), " ")
		for _, want := range []string{"END-OF-DAY MANIFEST", "man_01JD3Q3K8Z7W2M5N6P4R9S0T1V", "Carrier UPS",
			"Carrier reference SCAN9475711899561", "Pickup PRN 29X7HGT, 14:00-18:00", "Warehouse LAX-1 - Ontario Fulfilment",
			"1 Warehouse Way, Ontario CA 91761", "Ship date 2025-11-28", "Created 2025-11-28 17:05 PST", "Parcels 70",
			"Total weight 9.415 kg", "Cash on delivery IDR 15,645,000.00; USD 129.90"} {
			if !strings.Contains(first, want) {
				t.Errorf("%s: page 1 lacks %q:\n%s", size, want, first)
			}
		}
		all := strings.Join(text, " ")
		if n, m := strings.Count(all, "IDR 149,000.00"), strings.Count(all, "IDR 14,900,000.00"); n != 5 || m != 1 {
			t.Errorf("%s: %d and %d rows show IDR 149,000.00 and 14,900,000.00 in full, want 5 and 1 (an amount is shrunk, never cut)", size, n, m)
		}
		for i, p := range text {
			if want := fmt.Sprintf("page %d of %d", i+1, pages); !strings.Contains(p, want) {
				t.Errorf("%s: page %d lacks %q", size, i+1, want)
			}
		}
		last := strings.Join(strings.Fields(text[pages-1]), " ")
		for _, want := range []string{"Parcels received: ________ of 70", "Listed: 70 parcels, 9.415 kg, COD IDR 15,645,000.00, COD USD 129.90",
			"Driver name", "Signature", "Time of collection"} {
			if !strings.Contains(last, want) {
				t.Errorf("%s: the last page lacks %q:\n%s", size, want, last)
			}
		}
	}
}

// TestPDFPaginates: 5,000 parcels run over many pages, each with the table's header (the
// last may hold only the signature block), every tracking number printed exactly once and
// whole, in order.
func TestPDFPaginates(t *testing.T) {
	t.Parallel()
	s := sample(5000)
	s.Rows[4321].TrackingNumber = "9261290100130435082466000000000012345" // 37 characters: shrunk, not cut
	doc := writePDF(t, s)
	pages, _ := pageCount(t, doc)
	if pages < 5000/50 || pages > 5000/30 {
		t.Errorf("%d pages for 5,000 parcels", pages)
	}
	text := pdfText(t, doc)
	if len(text) != pages {
		t.Fatalf("%d pages of text, %d pages", len(text), pages)
	}
	tracking := regexp.MustCompile(`\b(1Z999AA1\d{10}|92612901\d+)\b`)
	var seen []string
	for i, p := range text {
		got := tracking.FindAllString(p, -1)
		if len(got) > 0 && !strings.Contains(p, "Tracking number") {
			t.Errorf("page %d has parcels but no table header", i+1)
		}
		if i > 0 && !strings.Contains(p, "(continued)") {
			t.Errorf("page %d does not say whose manifest it continues", i+1)
		}
		seen = append(seen, got...)
	}
	if len(seen) != len(s.Rows) {
		t.Fatalf("%d tracking numbers printed, want %d", len(seen), len(s.Rows))
	}
	for i, r := range s.Rows {
		if seen[i] != r.TrackingNumber {
			t.Fatalf("row %d prints %s, want %s", i+1, seen[i], r.TrackingNumber)
		}
	}
	if !strings.Contains(text[pages-1], "of 5,000") {
		t.Error("the signature block does not say 5,000 parcels")
	}
}

// TestPDFDeterministic: the same sheet gives the same bytes.
func TestPDFDeterministic(t *testing.T) {
	t.Parallel()
	if a, b := writePDF(t, sample(200)), writePDF(t, sample(200)); !bytes.Equal(a, b) {
		t.Fatal("two writes of the same manifest differ")
	}
}

// TestPDFLongID: a manifest id too long to sit beside the title goes under it, and scans; a
// carrier's name is printed with its code.
func TestPDFLongID(t *testing.T) {
	t.Parallel()
	s := sample(3)
	s.ManifestID = "MANIFEST-LAX1-UPS-2025-11-28-AFTERNOON-PICKUP-0001"
	s.Carrier, s.CarrierName, s.CarrierRef = "royal-mail", "Royal Mail", ""
	doc := writePDF(t, s)
	if text := strings.Join(strings.Fields(pdfText(t, doc)[0]), " "); !strings.Contains(text, "Carrier Royal Mail (royal-mail)") {
		t.Errorf("page 1 lacks the carrier's name and code:\n%s", text)
	}
	const dpi = 200
	img := render(t, doc, 1, dpi)
	_, barW := barcodeGeometry(s.ManifestID, idBarRoom)
	if barW <= 210-2*margin-titleW-6 {
		t.Fatalf("the id's barcode is %.0f mm: it would fit beside the title", barW)
	}
	area := mmRect(margin-1, margin+18, margin+barW+1, margin+40, dpi)
	if got, err := labeltest.DecodeCode128(img.SubImage(area)); err != nil || got != s.ManifestID {
		t.Errorf("the manifest barcode scanned as %q (%v)", got, err)
	}
}

// TestPDFNoParcels: an empty manifest still prints, saying so, for 0 parcels.
func TestPDFNoParcels(t *testing.T) {
	t.Parallel()
	s := sample(0)
	s.Rows = []Row{}
	text := pdfText(t, writePDF(t, s))
	all := strings.Join(strings.Fields(strings.Join(text, " ")), " ")
	for _, want := range []string{"No parcels on this manifest.", "Parcels received: ________ of 0", "Cash on delivery none"} {
		if !strings.Contains(all, want) {
			t.Errorf("lacks %q:\n%s", want, all)
		}
	}
}

// TestRefusals: a sheet the documents cannot show truthfully is refused by both writers,
// naming the row, before anything is written.
func TestRefusals(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		edit func(*Sheet)
		want string
	}{
		{"empty id", func(s *Sheet) { s.ManifestID = "" }, "manifest id"},
		{"non-ASCII id", func(s *Sheet) { s.ManifestID = "交接单-1" }, "manifest id"},
		{"no tracking number", func(s *Sheet) { s.Rows[1].TrackingNumber = " " }, "row 2: the tracking number is empty"},
		{"negative weight", func(s *Sheet) { s.Rows[2].WeightG = -1 }, "row 3"},
		{"unknown currency", func(s *Sheet) { s.Rows[0].COD = &model.Money{Amount: 5, Currency: "XYZ"} }, `row 1 (1Z999AA10000000000): COD currency "XYZ"`},
	} {
		s := sample(3)
		c.edit(&s)
		for name, write := range map[string]func(*bytes.Buffer, Sheet) error{
			"pdf": func(b *bytes.Buffer, s Sheet) error { return WritePDF(b, s) },
			"csv": func(b *bytes.Buffer, s Sheet) error { return WriteCSV(b, s) },
		} {
			var buf bytes.Buffer
			err := write(&buf, s)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s %s: error %v, want one with %q", c.name, name, err, c.want)
			}
			if buf.Len() > 0 {
				t.Errorf("%s %s: %d bytes written before the refusal", c.name, name, buf.Len())
			}
		}
	}
}

func TestFormat(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ got, want string }{
		{formatKG(0), "0.000"},
		{formatKG(450), "0.450"},
		{formatKG(1_234_567), "1,234.567"},
		{formatMoney(model.Money{Amount: 1299, Currency: "USD"}), "USD 12.99"},
		{formatMoney(model.Money{Amount: 14_900_000, Currency: "IDR"}), "IDR 149,000.00"},
		{formatMoney(model.Money{Amount: 250_000, Currency: "VND"}), "VND 250,000"},
		{formatMoney(model.Money{Amount: -5, Currency: "BHD"}), "BHD -0.005"},
		{formatAmount(-1_234_567, 2), "-12345.67"},
		{groupThousands("123456"), "123,456"},
		{groupThousands("-1234"), "-1,234"},
		{text("Łódź café 深圳 —"), "?\xf3dz caf\xe9 ?? \x97"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
