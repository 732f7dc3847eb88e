package label_test

import (
	"errors"
	"testing"

	"lastmile/internal/label"
	"lastmile/internal/label/labeltest"
	"lastmile/internal/label/zpl"
	"lastmile/internal/model"
)

// FuzzRender feeds arbitrary bytes through the whole pipeline a request takes: decoding,
// preparing and laying out, and writing ZPL. It must never panic; input is either refused
// with an error that names the label and, for a label that cannot be rendered, the field, or
// rendered into a page that keeps every layout rule.
func FuzzRender(f *testing.F) {
	f.Add([]byte(labeltest.ExampleJSON), uint8(0))
	f.Add([]byte("["+labeltest.ExampleJSON+"]"), uint8(3))
	f.Add([]byte(`{"tracking_number":"【1z999aa1 0123456784】","carrier":"UPS","service":"Next Day Air","order_external_id":"1",
	 "from":{"name":"S","line1":"1 A St","city":"Ontario","region":"CA","postal_code":"91761","country":"US"},
	 "to":{"name":"Ö Ł ư","company":"Ａｃｍｅ","line1":"10 Downing St","city":"London","postal_code":"sw1a2aa","country":"uk"},
	 "cod":{"amount":1,"currency":"GBP"},"has_battery":true,"anti_counterfeit_qr":"https://x/y",
	 "customs":{"contents":"Phone case","value":{"amount":999,"currency":"GBP"},"hs_code":"3926.90"}}`), uint8(1))
	f.Add([]byte(`{"to":{"city":"北京"},"package_index":-1,"weight_g":-9}`), uint8(2))
	f.Add([]byte(`[{},null,1]`), uint8(5))
	f.Fuzz(func(t *testing.T, data []byte, opts uint8) {
		opt := label.Options{Size: label.Sizes()[int(opts)%3], DPI: []int{203, 300}[int(opts/3)%2]}
		labels, _, err := label.Decode(data)
		if err != nil {
			var de *label.DecodeError
			if !errors.As(err, &de) || de.Error() == "" {
				t.Fatalf("decode error %v is not a DecodeError", err)
			}
			return
		}
		if len(labels) > 4 {
			labels = labels[:4]
		}
		for _, l := range labels {
			p, err := label.Prepare(l, opt)
			if err != nil {
				var ve *model.ValidationError
				if !errors.As(err, &ve) || len(ve.Problems) == 0 {
					t.Fatalf("prepare error %v is not a validation error", err)
				}
				for _, pr := range ve.Problems {
					if pr.Field == "" || pr.Code == "" || pr.Message == "" {
						t.Fatalf("problem without field, code or message: %+v", pr)
					}
				}
				continue
			}
			pg := p.Layout()
			for _, bad := range labeltest.Check(pg) {
				t.Errorf("%s", bad)
			}
			if len(zpl.Append(nil, pg)) == 0 {
				t.Fatal("no ZPL")
			}
		}
	})
}
