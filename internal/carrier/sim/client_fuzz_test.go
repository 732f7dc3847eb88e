package sim

import (
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/trackno"
)

// FuzzParseResponse feeds arbitrary answers (status, Retry-After, body) to the client's
// parsers, the only outside input the client reads. Property: no parser panics; every error
// is typed (a *carrier.Error of a known kind naming the carrier, or one wrapping
// carrier.ErrUnsupported for 501) and its kind follows from the status; every result keeps
// the protocol's promises (a normalised tracking number, a document or data, lines that add
// up).
func FuzzParseResponse(f *testing.F) {
	label := `{"carrier":"usps","service":"ground-advantage","tracking_number":"9400111000000000000017","shipment_id":"usps-1",` +
		`"reference":"p","charge":{"amount":540,"currency":"USD"},"lines":[{"kind":"base","amount":540}],` +
		`"purchased_at":"2026-03-02T09:00:00Z","data":{"carrier_name":"USPS","service_name":"Ground Advantage","sort_code":"940-01","barcode":"9400111000000000000017"}}`
	f.Add(uint16(201), "", []byte(label))
	f.Add(uint16(200), "", []byte(`{"rates":[{"service":"ground","total":{"amount":1,"currency":"USD"},"lines":[{"kind":"base","amount":1}],"transit_days":{"min":1,"max":2}}]}`))
	f.Add(uint16(200), "", []byte(`{"tracking":[{"tracking_number":"A","found":true,"events":[{"code":"GX","occurred_at":"2026-03-02T09:00:00Z"}]}]}`))
	f.Add(uint16(201), "", []byte(`{"id":"MF-1","count":1,"tracking_numbers":["A"],"document":{"format":"pdf","content":"JVBERi0="}}`))
	f.Add(uint16(201), "", []byte(`{"confirmation_id":"PU1","window":{"start":"2026-03-03T09:00:00Z","end":"2026-03-03T17:00:00Z"}}`))
	f.Add(uint16(200), "", []byte(`{"shipment_id":"x","tracking_number":"A","refund":{"amount":5,"currency":"GBP"},"voided_at":"2026-03-02T09:00:00Z"}`))
	f.Add(uint16(429), "3", []byte(`{"error":{"code":"rate_limited","retry_after_ms":2500}}`))
	f.Add(uint16(429), "Wed, 21 Oct 2015 07:28:00 GMT", []byte(``))
	f.Add(uint16(422), "", []byte(`{"error":{"code":"overweight","field":"parcel.weight_g","message":"too heavy"}}`))
	f.Add(uint16(401), "", []byte(`{"error":{"code":"unauthorized"}}`))
	f.Add(uint16(501), "", []byte(`{"error":{"code":"unsupported"}}`))
	f.Add(uint16(503), "99999999999999999999", []byte(`<html>`))
	f.Add(uint16(302), "", []byte(`{}`))
	f.Add(uint16(200), "", []byte(`{"rates":[{"service":"s","total":{"amount":9223372036854775807,"currency":"USD"},"lines":[{"kind":"base","amount":9223372036854775807},{"kind":"fee","amount":1}]}]}`))
	f.Fuzz(func(t *testing.T, status uint16, retry string, body []byte) {
		code := "usps"
		h := http.Header{}
		if retry != "" {
			h.Set("Retry-After", retry)
		}
		st := int(status)
		check := func(op string, err error) {
			if err == nil {
				if st < 200 || st > 299 {
					t.Fatalf("%s: status %d accepted", op, st)
				}
				return
			}
			if errors.Is(err, carrier.ErrUnsupported) {
				if st != http.StatusNotImplemented {
					t.Fatalf("%s: ErrUnsupported for %d", op, st)
				}
				return
			}
			var e *carrier.Error
			if !errors.As(err, &e) || e.Carrier != code || e.Op != op || e.Code == "" || e.Message == "" {
				t.Fatalf("%s: untyped or incomplete error %#v", op, err)
			}
			var want carrier.Kind
			switch {
			case st >= 200 && st <= 299:
				want = carrier.Transient // malformed answer
			case st == 401 || st == 403:
				want = carrier.Auth
			case st == 429:
				want = carrier.RateLimited
				if e.RetryAfter <= 0 || e.RetryAfter > time.Hour {
					t.Fatalf("%s: Retry-After %v", op, e.RetryAfter)
				}
			case st == 408 || st == 425 || st >= 500 && st <= 599:
				want = carrier.Transient
			case st >= 400 && st <= 499:
				want = carrier.Refused
			default:
				want = carrier.Transient
			}
			if e.Kind != want {
				t.Fatalf("%s: status %d gave %v, want %v", op, st, e.Kind, want)
			}
			if e.RetryAfter < 0 || e.RetryAfter > time.Hour {
				t.Fatalf("%s: Retry-After %v", op, e.RetryAfter)
			}
		}

		rates, err := parseRates(code, st, h, body)
		check("rate", err)
		for _, r := range rates {
			var sum int64
			for _, l := range r.Lines {
				sum += l.Amount
			}
			if sum != r.Total.Amount || r.Service == "" {
				t.Fatalf("rate %+v", r)
			}
		}
		l, err := parseLabel(code, st, h, body)
		check("purchase", err)
		if err == nil {
			if n, e := trackno.Normalize(l.TrackingNumber); e != nil || n != l.TrackingNumber || (l.Document == nil) == (l.Data == nil) || l.Carrier != code {
				t.Fatalf("label %+v", l)
			}
		}
		_, err = parseRefund(code, st, h, body)
		check("void", err)
		asked := []string{"A", strconv.Itoa(len(body))}
		ts, err := parseTracking(code, asked[:1+len(body)%2], st, h, body)
		check("track", err)
		for i, tr := range ts {
			if tr.TrackingNumber != asked[i] {
				t.Fatalf("tracking %d is %q", i, tr.TrackingNumber)
			}
		}
		m, err := parseManifest(code, st, h, body)
		check("manifest", err)
		if err == nil && m.Count != len(m.TrackingNumbers) {
			t.Fatalf("manifest %+v", m)
		}
		_, err = parsePickup(code, st, h, body)
		check("pickup", err)
	})
}
