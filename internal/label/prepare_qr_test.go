package label_test

import (
	"testing"

	"lastmile/internal/label"
	"lastmile/internal/label/labeltest"
	"lastmile/internal/model"
)

// R-LBL-5: the QR markets are configuration (markets.<CC>.qr_label); nil is GB, DE and FR.
func TestPrepareQRMarketsFromOptions(t *testing.T) {
	t.Parallel()
	var gb, sg model.Address
	for _, c := range labeltest.Markets() {
		switch c.Market {
		case "GB":
			gb = c.To
		case "SG":
			sg = c.To
		}
	}
	qr := labeltest.QRContent
	withQR := func(l label.Label) label.Label { l.AntiCounterfeitQR = &qr; return l }
	tests := []struct {
		name    string
		l       label.Label
		markets []string
		wantQR  bool
		wantErr bool
	}{
		{"GB by default", labeltest.For(gb), nil, true, false},
		{"SG has none by default", labeltest.For(sg), nil, false, false},
		{"no QR market configured", labeltest.For(gb), []string{}, false, false},
		{"SG made a QR market", withQR(labeltest.For(sg)), []string{"SG"}, true, false},
		{"SG made a QR market needs the content", labeltest.For(sg), []string{"SG"}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := label.Prepare(tt.l, label.Options{QRMarkets: tt.markets})
			if tt.wantErr {
				if err == nil {
					t.Fatal("prepared without the anti-counterfeit QR content")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.HasQR() != tt.wantQR {
				t.Errorf("HasQR = %v, want %v", p.HasQR(), tt.wantQR)
			}
		})
	}
}
