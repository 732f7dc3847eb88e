package sim_test

import (
	"bytes"
	"context"
	"image/png"
	"strings"
	"testing"

	"lastmile/internal/carrier"
	"lastmile/internal/carrier/sim"
	"lastmile/internal/label/labeltest"
	"lastmile/internal/trackno"
)

// R-SHIP-2: UPS returns its own 4×6 document, and its barcode scans back to the tracking
// number in every format it makes; the other carriers return label data for lastmile's own
// label.
func TestCarrierDocumentsScan(t *testing.T) {
	t.Parallel()
	n := start(t, sim.Options{Now: fixedNow})
	ups := client(t, n, "ups", 0)
	for _, f := range []carrier.Format{carrier.FormatPDF, carrier.FormatPNG, carrier.FormatZPL} {
		req := purchase(t, ups)
		req.LabelFormat = f
		l, err := ups.Purchase(context.Background(), req)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if l.Document == nil || l.Document.Format != f || l.Data != nil {
			t.Fatalf("%s: %+v", f, l)
		}
		doc := l.Document.Content
		switch f {
		case carrier.FormatPDF:
			pages, err := labeltest.RasterPDF(doc, 203)
			if err != nil || len(pages) != 1 {
				t.Fatalf("pdf: %d pages, %v", len(pages), err)
			}
			if b := pages[0].Bounds(); b.Dx() != 812 || b.Dy() != 1218 {
				t.Errorf("pdf: %v dots at 203 dpi, want 4×6 in (812×1218)", b)
			}
			if got, err := labeltest.DecodeCode128(pages[0]); err != nil || got != l.TrackingNumber {
				t.Errorf("pdf barcode scans as %q (%v), want %s", got, err, l.TrackingNumber)
			}
		case carrier.FormatPNG:
			img, err := png.Decode(bytes.NewReader(doc))
			if err != nil {
				t.Fatal(err)
			}
			if got, err := labeltest.DecodeCode128(img); err != nil || got != l.TrackingNumber {
				t.Errorf("png barcode scans as %q (%v), want %s", got, err, l.TrackingNumber)
			}
		case carrier.FormatZPL:
			s := string(doc)
			if !strings.HasPrefix(s, "^XA") || !strings.Contains(s, "^BC") || !strings.Contains(s, l.TrackingNumber) {
				t.Errorf("zpl: %.200s", s)
			}
		}
	}
	req := purchase(t, ups)
	req.LabelFormat = "gif"
	var e *carrier.Error
	if _, err := ups.Purchase(context.Background(), req); !asError(err, &e) || e.Field != "label_format" {
		t.Errorf("an unknown format: %v", err)
	}

	usps := client(t, n, "usps", 0)
	l, err := usps.Purchase(context.Background(), purchase(t, usps))
	if err != nil {
		t.Fatal(err)
	}
	if l.Document != nil || l.Data == nil || l.Data.CarrierName != "USPS" || l.Data.ServiceName != "Ground Advantage" ||
		l.Data.SortCode != "940-"+l.Data.SortCode[4:] || l.Data.Barcode != l.TrackingNumber {
		t.Errorf("usps label data %+v", l.Data)
	}
}

// R-SHIP-4: every number the network issues, for every carrier and service, passes trackno
// and is attributed to the carrier's number family.
func TestIssuedNumbersPassTrackno(t *testing.T) {
	t.Parallel()
	n := start(t, sim.Options{Now: fixedNow, Seed: 7})
	clients, err := n.Clients(0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range clients {
		for _, svc := range c.Services() {
			for range 5 {
				req := purchase(t, c)
				req.Service = svc.Code
				l, err := c.Purchase(context.Background(), req)
				if err != nil {
					t.Fatalf("%s/%s: %v", c.Code(), svc.Code, err)
				}
				r := trackno.Check(l.TrackingNumber)
				if !r.Valid || r.Carrier != svc.Numbers || r.Message != "" {
					t.Errorf("%s/%s: %s: %+v", c.Code(), svc.Code, l.TrackingNumber, r)
				}
			}
		}
	}
}
