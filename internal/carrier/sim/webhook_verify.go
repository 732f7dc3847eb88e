package sim

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"lastmile/internal/carrier"
)

// The webhook protocol of the simulated carriers (docs/carriers.md): each POST carries a
// batch of tracking events as JSON, signed with the carrier account's secret.
const (
	// SignatureHeader carries "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>".
	SignatureHeader = "X-Sim-Signature"
	// DeliveryHeader carries the delivery's id, the same on a retry of the same batch.
	DeliveryHeader = "X-Sim-Delivery"
	// DefaultWebhookTolerance is how far a signature's time may be from the receiver's clock
	// before the delivery is refused as a replay.
	DefaultWebhookTolerance = 5 * time.Minute
	// maxWebhookBody bounds a body a receiver parses.
	maxWebhookBody = 8 << 20
)

// Errors of VerifyWebhook and ParseWebhook.
var (
	// ErrWebhookSignature: the signature header is missing, malformed, or does not match the
	// body under the secret (a forged or altered delivery).
	ErrWebhookSignature = errors.New("webhook signature invalid")
	// ErrWebhookReplay: the signature is right but its time is too far from now (a replayed
	// or badly delayed delivery).
	ErrWebhookReplay = errors.New("webhook signature time outside the tolerance")
	// ErrWebhookBody: the body is not a batch of the protocol.
	ErrWebhookBody = errors.New("webhook body malformed")
)

// SignWebhook is the SignatureHeader value of body signed with secret at t.
func SignWebhook(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// VerifyWebhook checks a delivery's SignatureHeader against body and secret, and its time
// against now: more than tolerance apart (zero is DefaultWebhookTolerance) is a replay. Several
// v1 values (a secret being rotated) are accepted if any matches. It returns nil, or an error
// wrapping ErrWebhookSignature or ErrWebhookReplay.
func VerifyWebhook(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	if tolerance <= 0 {
		tolerance = DefaultWebhookTolerance
	}
	if secret == "" {
		return fmt.Errorf("%w: no secret configured for this carrier account", ErrWebhookSignature)
	}
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return fmt.Errorf("%w: %s %q: want t=<unix seconds>,v1=<hex>", ErrWebhookSignature, SignatureHeader, header)
		}
		switch k {
		case "t":
			ts = v
		case "v1":
			sig, err := hex.DecodeString(v)
			if err != nil || len(sig) != sha256.Size {
				return fmt.Errorf("%w: v1 is not a hex HMAC-SHA256", ErrWebhookSignature)
			}
			sigs = append(sigs, sig)
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return fmt.Errorf("%w: %s %q: want t=<unix seconds>,v1=<hex>", ErrWebhookSignature, SignatureHeader, header)
	}
	want := mac(secret, ts, body)
	match := false
	for _, s := range sigs {
		match = hmac.Equal(s, want) || match
	}
	if !match {
		return fmt.Errorf("%w: it does not match the body under this account's secret", ErrWebhookSignature)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: signed at %s, %s from now", ErrWebhookReplay, time.Unix(sec, 0).UTC().Format(time.RFC3339), d.Round(time.Second))
	}
	return nil
}

// WebhookBatch is one webhook delivery: a carrier's new events for some of its labels.
type WebhookBatch struct {
	Carrier    string
	DeliveryID string
	SentAt     time.Time
	// Tracking holds, per tracking number, the events new since the last delivery (Found is
	// always true). Events already delivered may come again after a failed delivery.
	Tracking []carrier.Tracking
}

// wireWebhook is the body of a webhook delivery.
type wireWebhook struct {
	Carrier    string         `json:"carrier"`
	DeliveryID string         `json:"delivery_id"`
	SentAt     time.Time      `json:"sent_at"`
	Tracking   []wireTracking `json:"tracking"`
}

// ParseWebhook reads a delivery's body (after VerifyWebhook). Every tracking entry must have
// a number and every event a code and a time; anything else is an error wrapping
// ErrWebhookBody that names the field.
func ParseWebhook(body []byte) (WebhookBatch, error) {
	if len(body) > maxWebhookBody {
		return WebhookBatch{}, fmt.Errorf("%w: %d bytes, more than %d", ErrWebhookBody, len(body), maxWebhookBody)
	}
	var w wireWebhook
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&w); err != nil {
		return WebhookBatch{}, fmt.Errorf("%w: %v", ErrWebhookBody, err)
	}
	if dec.More() {
		return WebhookBatch{}, fmt.Errorf("%w: data after the JSON object", ErrWebhookBody)
	}
	if _, ok := lookup(w.Carrier); !ok {
		return WebhookBatch{}, fmt.Errorf("%w: carrier %q is not a simulated carrier", ErrWebhookBody, w.Carrier)
	}
	if w.DeliveryID == "" {
		return WebhookBatch{}, fmt.Errorf("%w: delivery_id is missing", ErrWebhookBody)
	}
	out := WebhookBatch{Carrier: w.Carrier, DeliveryID: w.DeliveryID, SentAt: w.SentAt, Tracking: make([]carrier.Tracking, len(w.Tracking))}
	for i, t := range w.Tracking {
		if t.TrackingNumber == "" {
			return WebhookBatch{}, fmt.Errorf("%w: tracking[%d].tracking_number is missing", ErrWebhookBody, i)
		}
		for j, e := range t.Events {
			if e.Code == "" || e.OccurredAt.IsZero() {
				return WebhookBatch{}, fmt.Errorf("%w: tracking[%d].events[%d] has no code or time", ErrWebhookBody, i, j)
			}
		}
		out.Tracking[i] = t.tracking()
	}
	return out, nil
}
