package sim

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"lastmile/internal/carrier"
	"lastmile/internal/label"
	"lastmile/internal/label/pdf"
	"lastmile/internal/label/png"
	"lastmile/internal/label/zpl"
)

// renderLabel makes a carrier's own 4×6 label document. The sim stands in for the carrier, so
// it draws with lastmile's label renderers; what matters is that lastmile receives a document
// to keep as it is (R-SHIP-2) and that its barcode scans.
func renderLabel(spec *docSpec) ([]byte, error) {
	prep, err := label.Prepare(spec.Label, label.Options{})
	if err != nil {
		return nil, err
	}
	page := prep.Layout()
	var buf bytes.Buffer
	switch carrier.Format(spec.Format) {
	case carrier.FormatZPL:
		err = zpl.Write(&buf, page)
	case carrier.FormatPNG:
		err = png.Encode(&buf, page)
	default:
		err = pdf.Render(&buf, page)
	}
	return buf.Bytes(), err
}

// fixedDate is the PDF creation date of every manifest: the same manifest is the same bytes on
// every answer.
var fixedDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// manifestPDF is the end-of-day scan form (R-SHIP-5): the carrier, the manifest id, the
// hand-over day, the warehouse, every tracking number, and lines for the driver's signature.
func manifestPDF(carrierName string, m *manifestRec) ([]byte, error) {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCompression(false)
	f.SetCreationDate(fixedDate)
	f.SetModificationDate(fixedDate)
	f.SetCatalogSort(true)
	f.SetProducer("lastmile carrier sim", false)
	f.SetTitle(m.ID, false)
	f.SetMargins(15, 15, 15)
	f.SetAutoPageBreak(true, 20)
	f.AddPage()
	tr := f.UnicodeTranslatorFromDescriptor("cp1252")
	f.SetFont("Helvetica", "B", 16)
	f.CellFormat(0, 9, tr(carrierName+" - end-of-day manifest (scan form)"), "", 1, "L", false, 0, "")
	f.SetFont("Helvetica", "", 10)
	from := m.From
	lines := []string{
		"Manifest " + m.ID,
		"Hand-over day " + m.ShipDate + "    Created " + m.CreatedAt.UTC().Format(time.RFC3339),
		"From " + strings.Join(nonEmpty(from.Name, from.Line1, from.City, from.PostalCode, from.Country), ", "),
	}
	if m.WarehouseRef != "" {
		lines = append(lines, "Warehouse "+m.WarehouseRef)
	}
	lines = append(lines, fmt.Sprintf("Parcels %d", len(m.Numbers)))
	for _, l := range lines {
		f.CellFormat(0, 6, tr(l), "", 1, "L", false, 0, "")
	}
	f.Ln(4)
	f.SetFont("Courier", "", 9)
	const cols = 3
	colW := (210.0 - 30) / cols
	for i, num := range m.Numbers {
		ln := 0
		if i%cols == cols-1 || i == len(m.Numbers)-1 {
			ln = 1
		}
		f.CellFormat(colW, 5, fmt.Sprintf("%5d  %s", i+1, num), "", ln, "L", false, 0, "")
	}
	f.Ln(12)
	f.SetFont("Helvetica", "", 10)
	f.CellFormat(0, 6, "Driver's signature ______________________    Time of collection ____________", "", 1, "L", false, 0, "")
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func nonEmpty(parts ...string) []string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
