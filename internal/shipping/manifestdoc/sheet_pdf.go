package manifestdoc

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"

	"lastmile/internal/label"
	"lastmile/internal/model"
)

// fixedDate is the creation and modification date of every PDF: the same sheet must give the
// same bytes, so the date cannot be the time of writing (the sheet prints its own CreatedAt).
var fixedDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Page geometry, millimetres.
const (
	margin      = 12.0
	footerRoom  = 10.0 // below the table, for the footer line
	rowH        = 5.6  // a table row
	headH       = 6.5  // the table's header row
	barH        = 14.0 // the barcodes' bars
	signatureH  = 84.0 // the signature block
	bodyPt      = 8.5  // table text
	minShrinkPt = 5.0  // an identifier is shrunk down to this, never cut
	maxModuleMM = 0.40 // the barcode module: 0.25 mm (what a scanner reads at arm's length) to 0.40 mm
	minModuleMM = 0.25
	titleW      = 80.0  // the title and the instructions beside the manifest's barcode
	idBarRoom   = 100.0 // the room the manifest's barcode is sized for
)

// column is a column of the parcel table: its heading, its share of the width, its
// alignment (L, C or R, as fpdf takes it), and whether text too long for it is shrunk (an
// identifier or an amount, which must be read whole) rather than cut with "…".
type column struct {
	head   string
	share  float64
	align  string
	shrink bool
}

// columns of the parcel table. lastmile's package id is left to the CSV file: at 30
// characters it would take the room the tracking number needs, and the driver has no use
// for it.
var columns = []column{
	{"#", 0.05, "R", false},
	{"Tracking number", 0.31, "L", true},
	{"Order", 0.21, "L", true},
	{"Service", 0.15, "L", false},
	{"Weight kg", 0.09, "R", false},
	{"COD", 0.13, "R", true},
	{"Check", 0.06, "C", false}, // a box the driver or the warehouse ticks
}

// WritePDF writes the manifest as a PDF scan form: the carrier, the warehouse and the date,
// the manifest id as a Code 128 barcode, the count, the total weight and the COD totals; then
// the parcels in a table whose header is repeated on every page, each page numbered "page n of
// m"; and at the end the block the driver fills in and signs. Text is printed in Helvetica
// (Windows-1252): a Latin letter outside it loses its diacritic and other script, such as a
// Chinese warehouse name, is printed as "?"; the CSV file keeps every character.
func WritePDF(w io.Writer, s Sheet) error {
	t, err := s.check()
	if err != nil {
		return err
	}
	paper := "A4"
	if s.Paper == Letter {
		paper = "Letter"
	}
	f := fpdf.New("P", "mm", paper, "")
	f.SetCreationDate(fixedDate)
	f.SetModificationDate(fixedDate)
	f.SetCatalogSort(true)
	f.SetProducer("lastmile", false)
	f.SetTitle(text("Manifest "+s.ManifestID), false)
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(false, 0)
	f.AliasNbPages("{nb}")
	p := &pdfSheet{f: f, s: s, t: t}
	p.pageW, p.pageH = f.GetPageSize()
	p.width = p.pageW - 2*margin
	f.SetFooterFunc(p.footer)

	f.AddPage()
	p.summary()
	p.tableHeader()
	for i, r := range s.Rows {
		if p.y+rowH > p.bottom() {
			p.continuation()
			p.tableHeader()
		}
		p.row(i, r)
	}
	if len(s.Rows) == 0 {
		f.SetFont("Helvetica", "I", bodyPt)
		f.SetXY(margin, p.y+1)
		f.CellFormat(p.width, rowH, "No parcels on this manifest.", "", 0, "L", false, 0, "")
		p.y += rowH + 1
	}
	if p.y+signatureH > p.bottom() {
		p.continuation()
	}
	p.signature()
	if err := f.Output(w); err != nil {
		return fmt.Errorf("writing manifest %s as PDF: %w", s.ManifestID, err)
	}
	return nil
}

// pdfSheet is a manifest being laid out: y is where the next thing goes.
type pdfSheet struct {
	f                   *fpdf.Fpdf
	s                   Sheet
	t                   totals
	pageW, pageH, width float64
	y                   float64
}

func (p *pdfSheet) bottom() float64 { return p.pageH - margin - footerRoom }

// summary draws the first page's head: title and barcode, then the facts of the manifest.
func (p *pdfSheet) summary() {
	f, s := p.f, p.s
	y := margin
	// The manifest id as a barcode the driver can scan: top right, or under the title when it
	// is too long to share the top with it.
	_, barW := barcodeGeometry(s.ManifestID, idBarRoom)
	beside := barW <= p.width-titleW-6
	titleRoom := titleW
	if !beside {
		titleRoom = p.width
	}
	f.SetFont("Helvetica", "B", 17)
	f.SetXY(margin, y)
	f.CellFormat(titleRoom, 8, "END-OF-DAY MANIFEST", "", 0, "L", false, 0, "")
	f.SetFont("Helvetica", "", 8.5)
	f.SetXY(margin, y+8.5)
	f.MultiCell(titleRoom, 3.8, text("Hand this form to the driver with the parcels. The driver counts the parcels, "+
		"fills in the box at the end, signs, and keeps a copy."), "", "L", false)
	barTop, barRight := y, p.pageW-margin
	if !beside {
		barTop, barRight = f.GetY()+3, -1
	}
	barBottom := p.barcode(s.ManifestID, barRight, barTop, idBarRoom)
	f.SetFont("Helvetica", "B", 10)
	if beside {
		f.SetXY(barRight-barW, barBottom+0.5)
		f.CellFormat(barW, 4.5, text(s.ManifestID), "", 0, "R", false, 0, "")
	} else {
		f.SetXY(margin, barBottom+0.5)
		f.CellFormat(barW, 4.5, text(s.ManifestID), "", 0, "L", false, 0, "")
	}
	y = max(y+26, barBottom+8)

	// The facts, as label and value pairs in two columns.
	carrier := s.CarrierName
	if carrier == "" {
		carrier = s.Carrier
	} else if s.Carrier != "" && !strings.EqualFold(s.Carrier, s.CarrierName) {
		carrier += " (" + s.Carrier + ")"
	}
	wh := strings.TrimSpace(s.Warehouse.Code + " " + s.Warehouse.Name)
	if s.Warehouse.Code != "" && s.Warehouse.Name != "" {
		wh = s.Warehouse.Code + " - " + s.Warehouse.Name
	}
	cod := "none"
	if len(p.t.cod) > 0 {
		var parts []string
		for _, m := range p.t.cod {
			parts = append(parts, formatMoney(m))
		}
		cod = strings.Join(parts, "; ") + " (" + parcels(p.t.codRows) + ")"
	}
	left := [][2]string{
		{"Carrier", carrier},
		{"Carrier reference", s.CarrierRef},
		{"Pickup", s.Pickup},
		{"Warehouse", wh},
		{"Address", oneLine(s.Warehouse.Address)},
	}
	right := [][2]string{
		{"Ship date", s.ShipDate},
		{"Created", s.CreatedAt.Format("2006-01-02 15:04 MST")},
		{"Parcels", groupThousands(strconv.Itoa(p.t.parcels))},
		{"Total weight", formatKG(p.t.weightG) + " kg"},
		{"Cash on delivery", cod},
	}
	half := p.width / 2
	yl := p.facts(left, margin, y, half-4)
	yr := p.facts(right, margin+half, y, half)
	y = max(yl, yr)

	// The carrier's own reference as a barcode too, when it can be one: some drivers scan that.
	if ref := s.CarrierRef; ref != "" {
		if _, err := label.Code128(ref); err == nil {
			f.SetFont("Helvetica", "", 7.5)
			f.SetXY(margin, y+1)
			f.CellFormat(60, 3.5, "Carrier reference", "", 0, "L", false, 0, "")
			bottom := p.barcode(ref, -1, y+5, p.width/2)
			y = bottom + 2
		}
	}
	p.y = y + 3
}

// facts draws label and value pairs from (x, y) in a column w wide, leaving out empty values,
// and returns the y below them.
func (p *pdfSheet) facts(pairs [][2]string, x, y, w float64) float64 {
	f := p.f
	const labelW = 30.0
	for _, kv := range pairs {
		if strings.TrimSpace(kv[1]) == "" {
			continue
		}
		f.SetFont("Helvetica", "B", 9)
		f.SetXY(x, y)
		f.CellFormat(labelW, 4.8, text(kv[0]), "", 0, "L", false, 0, "")
		f.SetFont("Helvetica", "", 9)
		f.SetXY(x+labelW, y)
		f.MultiCell(w-labelW, 4.8, text(kv[1]), "", "L", false)
		y = f.GetY() + 0.6
	}
	return y
}

// barcodeGeometry returns the module and the width, quiet zones included, of s as Code 128
// in a room maxW wide: the module is the widest from 0.25 to 0.40 mm that fits the room, and
// 0.25 mm when none does (the symbol is then wider than the room). Zero when s cannot be
// encoded.
func barcodeGeometry(s string, maxW float64) (module, width float64) {
	widths, err := label.Code128(s)
	if err != nil {
		return 0, 0
	}
	n := 2 * label.QuietZoneModules
	for _, w := range widths {
		n += int(w)
	}
	module = min(maxModuleMM, max(minModuleMM, maxW/float64(n)))
	return module, float64(n) * module
}

// barcode draws s as Code 128 with its quiet zones, sized for a room maxW wide
// (barcodeGeometry), its right edge at right (or its left edge at the margin when right is
// negative), from y; it returns the bars' bottom.
func (p *pdfSheet) barcode(s string, right, y, maxW float64) float64 {
	widths, err := label.Code128(s)
	if err != nil { // checked before for the manifest id; a carrier reference is skipped
		return y
	}
	module, total := barcodeGeometry(s, maxW)
	x := margin
	if right >= 0 {
		x = right - total
	}
	x += label.QuietZoneModules * module
	p.f.SetFillColor(0, 0, 0)
	for i, w := range widths {
		d := float64(w) * module
		if i%2 == 0 {
			p.f.Rect(x, y, d, barH, "F")
		}
		x += d
	}
	return y + barH
}

// continuation starts a new page with a line that says whose manifest it is.
func (p *pdfSheet) continuation() {
	f, s := p.f, p.s
	f.AddPage()
	f.SetFont("Helvetica", "B", 10)
	f.SetXY(margin, margin)
	f.CellFormat(p.width, 6, text(fmt.Sprintf("Manifest %s - %s - %s - %s (continued)",
		s.ManifestID, carrierName(s), s.Warehouse.Code, s.ShipDate)), "", 0, "L", false, 0, "")
	p.y = margin + 9
}

// tableHeader draws the table's header row.
func (p *pdfSheet) tableHeader() {
	f := p.f
	f.SetFont("Helvetica", "B", bodyPt)
	f.SetFillColor(225, 225, 225)
	x := margin
	for _, c := range columns {
		w := c.share * p.width
		f.SetXY(x, p.y)
		f.CellFormat(w, headH, c.head, "B", 0, c.align, true, 0, "")
		x += w
	}
	p.y += headH
}

// row draws parcel i.
func (p *pdfSheet) row(i int, r Row) {
	f := p.f
	weight := ""
	if r.WeightG > 0 {
		weight = formatKG(r.WeightG)
	}
	cod := ""
	if r.COD != nil {
		cod = formatMoney(*r.COD)
	}
	cells := []string{strconv.Itoa(i + 1), r.TrackingNumber, r.OrderNumber, r.Service, weight, cod, ""}
	fill := i%2 == 1 // every other row shaded, so the eye keeps the line across
	f.SetFillColor(244, 244, 244)
	x := margin
	for k, c := range columns {
		w := c.share * p.width
		s := text(cells[k])
		room := w - 2*f.GetCellMargin()
		style := ""
		if k == 1 {
			style = "B" // the tracking number, which the driver looks for
		}
		f.SetFont("Helvetica", style, bodyPt)
		if c.shrink {
			for size := bodyPt; size > minShrinkPt && f.GetStringWidth(s) > room; {
				size -= 0.25
				f.SetFont("Helvetica", style, size)
			}
		} else {
			s = fitText(f, s, room)
		}
		f.SetXY(x, p.y)
		f.CellFormat(w, rowH, s, "", 0, c.align, fill, 0, "")
		if k == len(columns)-1 { // the check box
			side := rowH - 2
			f.Rect(x+(w-side)/2, p.y+1, side, side, "D")
		}
		x += w
	}
	p.y += rowH
}

// signature draws the block the driver fills in.
func (p *pdfSheet) signature() {
	f := p.f
	y := p.y + 6
	f.SetDrawColor(0, 0, 0)
	f.SetLineWidth(0.3)
	f.Rect(margin, y, p.width, signatureH-8, "D")
	f.SetFont("Helvetica", "B", 11)
	f.SetXY(margin+4, y+4)
	f.CellFormat(p.width-8, 6, text(fmt.Sprintf("Parcels received: ________ of %s", groupThousands(strconv.Itoa(p.t.parcels)))), "", 0, "L", false, 0, "")
	listed := fmt.Sprintf("Listed: %s, %s kg", parcels(p.t.parcels), formatKG(p.t.weightG))
	for _, m := range p.t.cod {
		listed += ", COD " + formatMoney(m)
	}
	f.SetFont("Helvetica", "", 9)
	f.SetXY(margin+4, y+10.5)
	f.CellFormat(p.width-8, 4.5, text(listed), "", 0, "L", false, 0, "")
	lines := [][2]string{
		{"Driver name", "Signature"},
		{"Time of collection", "Vehicle / route"},
		{"Released by (warehouse)", "Signature"},
	}
	half := (p.width - 8) / 2
	ly := y + 24
	f.SetFont("Helvetica", "", 9)
	for _, pair := range lines {
		for k, name := range pair {
			x := margin + 4 + float64(k)*half
			f.Line(x, ly, x+half-8, ly)
			f.SetXY(x, ly+0.5)
			f.CellFormat(half-8, 4.5, text(name), "", 0, "L", false, 0, "")
		}
		ly += 17
	}
	p.y = y + signatureH - 8
}

// footer prints the manifest and the page number at the foot of every page.
func (p *pdfSheet) footer() {
	f, s := p.f, p.s
	y := p.pageH - margin - 4
	f.SetDrawColor(160, 160, 160)
	f.SetLineWidth(0.2)
	f.Line(margin, y-1, p.pageW-margin, y-1)
	f.SetFont("Helvetica", "", 7.5)
	f.SetTextColor(80, 80, 80)
	f.SetXY(margin, y)
	f.CellFormat(p.width*0.75, 4, text(fmt.Sprintf("Manifest %s - %s - %s - ship date %s",
		s.ManifestID, carrierName(s), s.Warehouse.Code, s.ShipDate)), "", 0, "L", false, 0, "")
	f.SetXY(margin+p.width*0.75, y)
	f.CellFormat(p.width*0.25, 4, fmt.Sprintf("page %d of {nb}", f.PageNo()), "", 0, "R", false, 0, "")
	f.SetTextColor(0, 0, 0)
	f.SetDrawColor(0, 0, 0)
}

// parcels is "1 parcel", "2 parcels", "1,234 parcels".
func parcels(n int) string {
	if n == 1 {
		return "1 parcel"
	}
	return groupThousands(strconv.Itoa(n)) + " parcels"
}

func carrierName(s Sheet) string {
	if s.CarrierName != "" {
		return s.CarrierName
	}
	return s.Carrier
}

// oneLine writes an address on one line: street, city line, country.
func oneLine(a model.Address) string {
	var parts []string
	for _, v := range []string{a.Line1, a.Line2, strings.TrimSpace(strings.Join([]string{a.City, a.Region, a.PostalCode}, " ")), a.Country} {
		if v = strings.TrimSpace(v); v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, ", ")
}

// fitText cuts s with "…" so that it fits room millimetres in the current font.
func fitText(f *fpdf.Fpdf, s string, room float64) string {
	if f.GetStringWidth(s) <= room {
		return s
	}
	const ellipsis = "\x85" // "…" in Windows-1252
	for len(s) > 0 && f.GetStringWidth(s+ellipsis) > room {
		s = s[:len(s)-1]
	}
	return s + ellipsis
}

// text encodes s as the Windows-1252 bytes the core fonts read. A character outside it is
// replaced: a Latin letter by its base letter (ő → o), anything else by "?".
func text(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] < 0x20 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if !label.Printable(r) {
			base, _ := utf8.DecodeRuneInString(norm.NFD.String(string(r)))
			if base == r || !label.Printable(base) {
				base = '?'
			}
			r = base
		}
		b = append(b, label.CP1252(r))
	}
	return string(b)
}
