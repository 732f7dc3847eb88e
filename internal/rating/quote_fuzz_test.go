package rating

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/big"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/model"
)

// FuzzNewRequestSums: whatever the lines' count, prices, quantities and weights, the sums of a
// quote never wrap. A request is accepted only when its declared value, computed exactly, is
// within the limit and equals what the engine is given; the parcel computed from the lines
// weighs exactly their sum, from 1 g to the heaviest a card prices; every refusal names a
// field.
func FuzzNewRequestSums(f *testing.F) {
	f.Add(uint16(1), int64(1999), int64(1), int64(450), int64(0))
	f.Add(uint16(9224), int64(maxAmount), int64(MaxPackUnits*100), int64(100), int64(1000)) // issue 16
	f.Add(uint16(1000), int64(maxAmount), int64(MaxPackUnits*100), int64(maxChargeableG), int64(0))
	f.Add(uint16(3), int64(1), int64(1), int64(0), int64(800))
	f.Add(uint16(2), int64(-1), int64(-5), int64(-7), int64(-1))
	f.Add(uint16(0), int64(0), int64(0), int64(0), int64(0))
	markets := config.DefaultMarkets()
	now := time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, n uint16, price, qty, weightG, packageG int64) {
		qr := boundsOrder(int(n%2048), price, qty, weightG, packageG)
		pr, err := NewRequest(qr, markets, now)
		if err != nil {
			var ve *model.ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) == 0 {
				t.Fatalf("err = %v, want a validation error", err)
			}
			for _, p := range ve.Problems {
				if p.Code == "" || p.Field == "" || p.Message == "" {
					t.Fatalf("problem without code, field or message: %+v", p)
				}
			}
			return
		}
		lines := big.NewInt(int64(len(qr.Lines)))
		declared := new(big.Int).Mul(lines, new(big.Int).Mul(big.NewInt(price), big.NewInt(qty)))
		if declared.Cmp(big.NewInt(pr.Request.Declared)) != 0 || pr.Request.Declared > maxAmount || len(qr.Lines) > MaxQuoteLines {
			t.Fatalf("%d lines of %d × %d accepted with declared %d, exactly %s", len(qr.Lines), price, qty, pr.Request.Declared, declared)
		}
		if pr.Source == "lines" {
			weight := new(big.Int).Mul(lines, new(big.Int).Mul(big.NewInt(weightG), big.NewInt(qty)))
			if g := pr.Request.Parcel.WeightG; weight.Cmp(big.NewInt(g)) != 0 || g < 1 || g > maxChargeableG {
				t.Fatalf("%d lines of %d g × %d weigh %d, exactly %s", len(qr.Lines), weightG, qty, g, weight)
			}
		}
	})
}

// FuzzQuoteOrderJSON: any body POST /v1/rates decodes is quoted or refused as the API expects
// (a validation error naming fields, or no box fits), never a panic or another error.
func FuzzQuoteOrderJSON(f *testing.F) {
	f.Add([]byte(anchorageOrder + `}`))
	f.Add([]byte(anchorageOrder + `,"package":{"weight_g":900},"options":["priority","insurance"]}`))
	f.Add([]byte(anchorageOrder + `,"boxes":[{"id":"S","length_mm":150,"width_mm":100,"height_mm":40}]}`))
	f.Add([]byte(`{"market":"US","shipping_address":{"country":"US"},"lines":[{"quantity":100000,"weight_g":10000000,"unit_price":{"amount":10000000000}}]}`))
	f.Add([]byte(`{"market":"TH","currency":"THB","shipping_address":{"country":"TH"},"package":{"weight_g":5},"cod":{"amount":100,"currency":"USD"}}`))
	cards, err := DefaultCards()
	if err != nil {
		f.Fatal(err)
	}
	markets := config.DefaultMarkets()
	now := time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		var qr QuoteRequest
		if dec.Decode(&qr) != nil {
			return
		}
		resp, err := QuoteOrder(cards, &qr, markets, QuoteOptions{Now: now, BestValuePct: DefaultBestValuePct})
		var ve *model.ValidationError
		switch {
		case err == nil:
			if resp == nil || resp.Package.WeightG < 1 || resp.Package.WeightG > maxChargeableG {
				t.Fatalf("quoted a parcel of %+v", resp)
			}
		case errors.As(err, &ve):
			for _, p := range ve.Problems {
				if p.Code == "" || p.Message == "" {
					t.Fatalf("problem without code or message: %+v", p)
				}
			}
		case errors.Is(err, ErrNoBoxFits):
		default:
			t.Fatalf("err = %v, want a validation error or ErrNoBoxFits", err)
		}
	})
}
