package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/model"
	"lastmile/internal/trackno"
)

// The parsers of the network's answers: the client's only outside input. Each turns a status,
// headers and body into a result or an error that is typed (a *carrier.Error, or one wrapping
// carrier.ErrUnsupported), whatever the bytes; a 2xx answer that does not hold what the
// protocol promises is Transient ("malformed_response"): it may be a corrupted answer, and
// the caller's retries are bounded.

// maxRetryAfter caps a Retry-After the carrier asks for.
const maxRetryAfter = time.Hour

// failure maps a non-2xx answer to its error.
func failure(code, op string, status int, h http.Header, body []byte) error {
	var we wireError
	_ = json.Unmarshal(body, &we)
	e := &carrier.Error{Carrier: code, Op: op, Code: we.Error.Code, Field: we.Error.Field, Message: we.Error.Message}
	if e.Message == "" {
		e.Message = fmt.Sprintf("HTTP %d %s", status, http.StatusText(status))
	}
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		e.Kind = carrier.Auth
	case status == http.StatusTooManyRequests:
		e.Kind = carrier.RateLimited
		e.RetryAfter = retryAfter(h, we.Error.RetryAfterMS)
		if e.RetryAfter == 0 {
			e.RetryAfter = time.Second
		}
	case status == http.StatusNotImplemented:
		return fmt.Errorf("carrier %s %s: %s: %w", code, op, e.Message, carrier.ErrUnsupported)
	case status == http.StatusRequestTimeout || status == http.StatusTooEarly || status >= 500 && status <= 599:
		e.Kind = carrier.Transient
		e.RetryAfter = retryAfter(h, we.Error.RetryAfterMS)
	case status >= 400 && status <= 499:
		e.Kind = carrier.Refused
	default:
		e.Kind = carrier.Transient
		e.Code = "unexpected_status"
	}
	if e.Code == "" {
		e.Code = "http_" + strconv.Itoa(status)
	}
	return e
}

// retryAfter reads the wait from the body's milliseconds or the Retry-After header (seconds
// or an HTTP date), capped at maxRetryAfter; zero when neither says.
func retryAfter(h http.Header, ms int64) time.Duration {
	var d time.Duration
	if ms > 0 {
		d = time.Duration(min(ms, maxRetryAfter.Milliseconds())) * time.Millisecond
	} else if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs > 0 {
			d = time.Duration(min(secs, int64(maxRetryAfter/time.Second))) * time.Second
		} else if t, err := http.ParseTime(v); err == nil {
			d = time.Until(t)
		}
	}
	return min(max(d, 0), maxRetryAfter)
}

// decodeOK decodes a 2xx answer into out, or returns the answer's failure.
func decodeOK(code, op string, status int, h http.Header, body []byte, out any) error {
	if status < 200 || status > 299 {
		return failure(code, op, status, h, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return malformed(code, op, "the answer is not the protocol's JSON: "+err.Error())
	}
	return nil
}

func malformed(code, op, msg string) error {
	return &carrier.Error{Kind: carrier.Transient, Carrier: code, Op: op, Code: "malformed_response", Message: msg}
}

// checkMoney checks an amount and its lines: an ISO currency, and lines that add up.
func checkMoney(total model.Money, lines []wireLine) string {
	if _, ok := model.CurrencyScale(total.Currency); !ok {
		return fmt.Sprintf("currency %q is not ISO 4217", total.Currency)
	}
	var sum int64
	for _, l := range lines {
		if l.Kind == "" {
			return "a charge line has no kind"
		}
		sum += l.Amount
	}
	if sum != total.Amount {
		return fmt.Sprintf("the lines add up to %d, the total is %d", sum, total.Amount)
	}
	return ""
}

func parseRates(code string, status int, h http.Header, body []byte) ([]carrier.Rate, error) {
	var w wireRates
	if err := decodeOK(code, "rate", status, h, body, &w); err != nil {
		return nil, err
	}
	if len(w.Rates) == 0 {
		return nil, malformed(code, "rate", "no rates in a successful answer")
	}
	out := make([]carrier.Rate, len(w.Rates))
	for i, r := range w.Rates {
		if r.Service == "" {
			return nil, malformed(code, "rate", fmt.Sprintf("rates[%d] has no service", i))
		}
		if msg := checkMoney(r.Total, r.Lines); msg != "" {
			return nil, malformed(code, "rate", fmt.Sprintf("rates[%d]: %s", i, msg))
		}
		if r.TransitDays.Min < 0 || r.TransitDays.Max < r.TransitDays.Min {
			return nil, malformed(code, "rate", fmt.Sprintf("rates[%d]: transit days %d–%d", i, r.TransitDays.Min, r.TransitDays.Max))
		}
		out[i] = r.rate()
	}
	return out, nil
}

func parseLabel(code string, status int, h http.Header, body []byte) (carrier.Label, error) {
	var w wireLabel
	if err := decodeOK(code, "purchase", status, h, body, &w); err != nil {
		return carrier.Label{}, err
	}
	bad := func(msg string) (carrier.Label, error) { return carrier.Label{}, malformed(code, "purchase", msg) }
	if norm, err := trackno.Normalize(w.TrackingNumber); err != nil || norm != w.TrackingNumber {
		return bad(fmt.Sprintf("tracking number %q is not in its normalised form", w.TrackingNumber))
	}
	switch {
	case w.Carrier != code:
		return bad(fmt.Sprintf("the label is %q's, not %s's", w.Carrier, code))
	case w.Service == "" || w.ShipmentID == "":
		return bad("the label has no service or shipment id")
	case w.PurchasedAt.IsZero():
		return bad("the label has no purchase time")
	case (w.Document == nil) == (w.Data == nil):
		return bad("a label carries either its document or its data")
	case w.Document != nil && (!carrier.Format(w.Document.Format).Valid() || len(w.Document.Content) == 0):
		return bad(fmt.Sprintf("label document of format %q with %d bytes", w.Document.Format, len(w.Document.Content)))
	}
	if msg := checkMoney(w.Charge, w.Lines); msg != "" {
		return bad(msg)
	}
	return w.label(), nil
}

func parseRefund(code string, status int, h http.Header, body []byte) (carrier.Refund, error) {
	var w wireRefund
	if err := decodeOK(code, "void", status, h, body, &w); err != nil {
		return carrier.Refund{}, err
	}
	if w.TrackingNumber == "" || w.VoidedAt.IsZero() {
		return carrier.Refund{}, malformed(code, "void", "the refund has no tracking number or time")
	}
	if _, ok := model.CurrencyScale(w.Refund.Currency); !ok || w.Refund.Amount < 0 {
		return carrier.Refund{}, malformed(code, "void", fmt.Sprintf("refund %v", w.Refund))
	}
	return carrier.Refund{TrackingNumber: w.TrackingNumber, Amount: w.Refund, VoidedAt: w.VoidedAt}, nil
}

// parseTracking checks that the answer is about the numbers asked, in their order.
func parseTracking(code string, asked []string, status int, h http.Header, body []byte) ([]carrier.Tracking, error) {
	var w wireTrackingAnswer
	if err := decodeOK(code, "track", status, h, body, &w); err != nil {
		return nil, err
	}
	if len(w.Tracking) != len(asked) {
		return nil, malformed(code, "track", fmt.Sprintf("%d answers for %d numbers", len(w.Tracking), len(asked)))
	}
	out := make([]carrier.Tracking, len(w.Tracking))
	for i, t := range w.Tracking {
		if t.TrackingNumber != asked[i] {
			return nil, malformed(code, "track", fmt.Sprintf("answer %d is about %q, not %q", i, t.TrackingNumber, asked[i]))
		}
		for j, e := range t.Events {
			if e.Code == "" || e.OccurredAt.IsZero() {
				return nil, malformed(code, "track", fmt.Sprintf("tracking[%d].events[%d] has no code or time", i, j))
			}
		}
		out[i] = t.tracking()
	}
	return out, nil
}

func parseManifest(code string, status int, h http.Header, body []byte) (carrier.Manifest, error) {
	var w wireManifest
	if err := decodeOK(code, "manifest", status, h, body, &w); err != nil {
		return carrier.Manifest{}, err
	}
	if w.ID == "" || w.Count != len(w.TrackingNumbers) {
		return carrier.Manifest{}, malformed(code, "manifest", fmt.Sprintf("manifest %q counts %d for %d numbers", w.ID, w.Count, len(w.TrackingNumbers)))
	}
	if w.Document != nil && (!carrier.Format(w.Document.Format).Valid() || len(w.Document.Content) == 0) {
		return carrier.Manifest{}, malformed(code, "manifest", "manifest document without format or content")
	}
	return w.manifest(), nil
}

func parsePickup(code string, status int, h http.Header, body []byte) (carrier.Pickup, error) {
	var w wirePickup
	if err := decodeOK(code, "pickup", status, h, body, &w); err != nil {
		return carrier.Pickup{}, err
	}
	if w.ConfirmationID == "" || w.Window.End.Before(w.Window.Start) {
		return carrier.Pickup{}, malformed(code, "pickup", "the pickup has no confirmation id or a window that ends before it starts")
	}
	return carrier.Pickup{ConfirmationID: w.ConfirmationID, Window: carrier.Window{Start: w.Window.Start, End: w.Window.End}}, nil
}
