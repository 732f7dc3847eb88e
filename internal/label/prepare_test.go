package label_test

import (
	"errors"
	"strings"
	"testing"

	"lastmile/internal/label"
	"lastmile/internal/label/labeltest"
	"lastmile/internal/model"
)

func TestPrepareExample(t *testing.T) {
	t.Parallel()
	for _, opt := range []label.Options{{}, {DPI: 300}, {Size: label.SizeA6}, {Size: label.Size10x15, DPI: 300}} {
		p, err := label.Prepare(labeltest.Example(), opt)
		if err != nil {
			t.Fatalf("%+v: %v", opt, err)
		}
		if p.TrackingNumber() != "1Z999AA10123456784" || p.HasQR() {
			t.Errorf("%+v: tracking %q, QR %v", opt, p.TrackingNumber(), p.HasQR())
		}
	}
}

// TestPrepareNormalises: R-SHIP-4 cleans the number, R-LBL-4 puts the postal code into the
// national format, the region into its code.
func TestPrepareNormalises(t *testing.T) {
	t.Parallel()
	l := labeltest.Example()
	l.TrackingNumber = "【1z999aa1 0123456784】　"
	l.To.PostalCode = "９４０４３"
	l.To.Region = "California"
	p, err := label.Prepare(l, label.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pg := p.Layout()
	if p.TrackingNumber() != "1Z999AA10123456784" || labeltest.Field(pg, "tracking_number")[0] != "1Z999AA10123456784" {
		t.Errorf("tracking number %q", p.TrackingNumber())
	}
	if got := labeltest.Field(pg, "to.city"); len(got) != 1 || got[0] != "Mountain View, CA 94043" {
		t.Errorf("city line %q", got)
	}
}

func str(s string) *string { return &s }

// TestPrepareRefuses: each label that cannot be rendered names the field (by JSON path) and a
// stable code.
func TestPrepareRefuses(t *testing.T) {
	t.Parallel()
	gb := labeltest.Markets()[1].To
	for _, c := range []struct {
		name        string
		edit        func(*label.Label)
		field, code string
	}{
		{"non-Latin city", func(l *label.Label) { l.To.City = "北京" }, "to.city", "non_latin_script"},
		{"non-Latin recipient", func(l *label.Label) { l.To.Name = "王小明" }, "to.name", "non_latin_script"},
		{"non-Latin line2", func(l *label.Label) { l.To.Line2 = "Apt 5 (Сергей)" }, "to.line2", "non_latin_script"},
		{"non-Latin sender", func(l *label.Label) { l.From.Name = "深圳卖家有限公司" }, "from.name", "non_latin_script"},
		{"non-Latin customs contents", func(l *label.Label) { l.To = gb; l.AntiCounterfeitQR = str("x"); l.Customs.Contents = "棉T恤" }, "customs.contents", "non_latin_script"},
		{"non-Latin service", func(l *label.Label) { l.Service = "普通快递" }, "service", "non_latin_script"},
		{"non-Latin region", func(l *label.Label) {
			l.To = labeltest.Markets()[5].To
			l.To.Region = "กรุงเทพมหานคร"
		}, "to.region", "non_latin_script"},
		{"emoji in line1", func(l *label.Label) { l.To.Line1 = "1600 Amphitheatre 🏠" }, "to.line1", "non_latin_script"},
		{"postal code format", func(l *label.Label) { l.To.PostalCode = "9404" }, "to.postal_code", "postal_code_format"},
		{"missing city", func(l *label.Label) { l.To.City = "" }, "to.city", "missing_field"},
		{"missing sender address", func(l *label.Label) { l.From.Line1 = "" }, "from.line1", "missing_field"},
		{"unknown country", func(l *label.Label) { l.To.Country = "XX" }, "to.country", "country_unknown"},
		{"check digit", func(l *label.Label) { l.TrackingNumber = "1Z999AA10123456785" }, "tracking_number", "check_digit_mismatch"},
		{"illegal character", func(l *label.Label) { l.TrackingNumber = "1Z999#A10123456784" }, "tracking_number", "illegal_character"},
		{"wrong carrier", func(l *label.Label) { l.TrackingNumber = "RB123456785GB" }, "tracking_number", "wrong_carrier"},
		{"missing tracking number", func(l *label.Label) { l.TrackingNumber = "  " }, "tracking_number", "missing_field"},
		{"too long to scan", func(l *label.Label) { l.Carrier = "acme"; l.TrackingNumber = strings.Repeat("AB", 20) }, "tracking_number", "barcode_too_long"},
		{"missing carrier", func(l *label.Label) { l.Carrier = "" }, "carrier", "missing_field"},
		{"missing service", func(l *label.Label) { l.Service = "" }, "service", "missing_field"},
		{"missing order", func(l *label.Label) { l.OrderExternalID = "" }, "order_external_id", "missing_field"},
		{"package index", func(l *label.Label) { l.PackageIndex, l.PackageCount = 3, 2 }, "package_index", "out_of_range"},
		{"package count", func(l *label.Label) { l.PackageIndex, l.PackageCount = 1, 0 }, "package_count", "out_of_range"},
		{"negative weight", func(l *label.Label) { l.WeightG = -1 }, "weight_g", "out_of_range"},
		{"COD currency", func(l *label.Label) { l.COD = &model.Money{Amount: 100, Currency: "ZZZ"} }, "cod.currency", "currency_unknown"},
		{"COD zero", func(l *label.Label) { l.COD = &model.Money{Amount: 0, Currency: "USD"} }, "cod.amount", "out_of_range"},
		{"customs missing", func(l *label.Label) { l.To = gb; l.AntiCounterfeitQR = str("x"); l.Customs = nil }, "customs", "missing_field"},
		{"HS code", func(l *label.Label) { l.To = gb; l.AntiCounterfeitQR = str("x"); l.Customs.HSCode = "61A9" }, "customs.hs_code", "hs_code_format"},
		{"customs value currency", func(l *label.Label) { l.To = gb; l.AntiCounterfeitQR = str("x"); l.Customs.Value.Currency = "" }, "customs.value.currency", "currency_unknown"},
		{"GB without QR", func(l *label.Label) { l.To = gb }, "anti_counterfeit_qr", "missing_field"},
		{"DE without QR", func(l *label.Label) { l.To = labeltest.Markets()[2].To; l.AntiCounterfeitQR = str(" ") }, "anti_counterfeit_qr", "missing_field"},
		{"FR without QR", func(l *label.Label) { l.To = labeltest.Markets()[3].To }, "anti_counterfeit_qr", "missing_field"},
		{"QR not ASCII", func(l *label.Label) { l.To = gb; l.AntiCounterfeitQR = str("código") }, "anti_counterfeit_qr", "qr_content_invalid"},
		{"QR too long", func(l *label.Label) { l.To = gb; l.AntiCounterfeitQR = str(strings.Repeat("x", 214)) }, "anti_counterfeit_qr", "qr_content_invalid"},
		{"field too long", func(l *label.Label) { l.To.Line1 = strings.Repeat("x", 201) }, "to.line1", "field_too_long"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			l := labeltest.Example()
			c.edit(&l)
			_, err := label.Prepare(l, label.Options{})
			var ve *model.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want a validation error", err)
			}
			for _, p := range ve.Problems {
				if p.Field == c.field && p.Code == c.code {
					if p.Message == "" {
						t.Error("no message")
					}
					return
				}
			}
			t.Errorf("problems %+v, want %s on %s", ve.Problems, c.code, c.field)
		})
	}
}

// TestPrepareReportsEveryProblem: a clerk fixes a label once, not once per problem.
func TestPrepareReportsEveryProblem(t *testing.T) {
	t.Parallel()
	l := labeltest.Example()
	l.To.City = "北京"
	l.TrackingNumber = "1Z999AA10123456785"
	l.WeightG = -5
	_, err := label.Prepare(l, label.Options{})
	var ve *model.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 3 {
		t.Fatalf("%v", err)
	}
}

// TestQRIgnoredOutsideGBDEFR: the platform's QR is for GB, DE and FR only (R-LBL-5); given
// for another destination it is not drawn, and not needed.
func TestQRIgnoredOutsideGBDEFR(t *testing.T) {
	t.Parallel()
	l := labeltest.Example()
	l.AntiCounterfeitQR = str(labeltest.QRContent)
	p, err := label.Prepare(l, label.Options{})
	if err != nil || p.HasQR() {
		t.Fatalf("US label with a QR content: QR %v, %v", p != nil && p.HasQR(), err)
	}
}

func TestOptions(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "4x6", "A6", "10x15"} {
		if _, err := label.ParseSize(s); err != nil {
			t.Errorf("size %q: %v", s, err)
		}
	}
	for _, s := range []string{"a4", "4x4", "x"} {
		if _, err := label.ParseSize(s); err == nil {
			t.Errorf("size %q accepted", s)
		}
	}
	for _, s := range []string{"", "203", "300"} {
		if _, err := label.ParseDPI(s); err != nil {
			t.Errorf("dpi %q: %v", s, err)
		}
	}
	for _, s := range []string{"150", "600", "abc"} { // R-LBL-2: at least 203 dpi
		if _, err := label.ParseDPI(s); err == nil {
			t.Errorf("dpi %q accepted", s)
		}
	}
	if _, err := label.Prepare(labeltest.Example(), label.Options{DPI: 150}); err == nil {
		t.Error("150 dpi prepared")
	}
}

// TestPrepareAllReportsEveryLabel: a batch is refused with every label that cannot be
// rendered, in input order, each with all its problems; the good labels are not listed.
func TestPrepareAllReportsEveryLabel(t *testing.T) {
	t.Parallel()
	ls := []label.Label{labeltest.Example(), labeltest.Example(), labeltest.Example(), labeltest.Example()}
	ls[1].To.City, ls[1].WeightG = "北京", -1
	ls[3].TrackingNumber = ""
	_, err := label.PrepareAll(ls, label.Options{})
	var be *label.BatchError
	if !errors.As(err, &be) || be.Total != 4 || len(be.Labels) != 2 {
		t.Fatalf("err = %v, want a *BatchError with labels 1 and 3 of 4", err)
	}
	if be.Labels[0].Index != 1 || be.Labels[1].Index != 3 {
		t.Fatalf("bad labels %d and %d, want 1 and 3", be.Labels[0].Index, be.Labels[1].Index)
	}
	var ve *model.ValidationError
	if !errors.As(be.Labels[0].Err, &ve) || len(ve.Problems) != 2 {
		t.Fatalf("label 1: %v, want both its problems", be.Labels[0].Err)
	}
	if !strings.Contains(err.Error(), "2 of 4 labels") || !strings.Contains(err.Error(), "label[3]") {
		t.Errorf("message %q", err)
	}
}

// TestPrepareSenderProblemsNameTheSender: the address checks speak of the buyer; on a label's
// from address the fix is the sender's (the seller or the warehouse), never the buyer's.
func TestPrepareSenderProblemsNameTheSender(t *testing.T) {
	t.Parallel()
	l := labeltest.Example()
	l.From.Name, l.From.Line1 = "", ""
	_, err := label.Prepare(l, label.Options{})
	var ve *model.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v", err)
	}
	seen := 0
	for _, p := range ve.Problems {
		if !strings.HasPrefix(p.Field, "from.") {
			continue
		}
		seen++
		if strings.Contains(p.Message, "buyer") || !strings.Contains(p.Message, "sender") {
			t.Errorf("%s: %q; want the sender named, not the buyer", p.Field, p.Message)
		}
	}
	if seen != 2 {
		t.Fatalf("problems %+v, want from.name and from.line1", ve.Problems)
	}
}
