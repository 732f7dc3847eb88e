package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"lastmile/internal/carrier"
)

func init() {
	carrier.Register(carrier.Spec{
		Type:    "sim",
		Summary: "a carrier of lastmile's simulated carrier network (lastmile sim carriers), for tests and the demo",
		Fields: []carrier.Field{
			{Name: "url", Type: carrier.TypeString, Required: true, Doc: "the network's base URL, http://HOST:PORT"},
			{Name: "api_key", Type: carrier.TypeString, Secret: true, Default: DefaultAPIKey, Doc: "the key the sim printed at start"},
			{Name: "carrier", Type: carrier.TypeString, Required: true, Doc: "the simulated carrier's code: " + strings.Join(Codes(), ", ")},
			{Name: "timeout", Type: carrier.TypeDuration, Default: DefaultTimeout.String(), Doc: "how long one call may take before it fails as transient"},
			{Name: "webhook_secret", Type: carrier.TypeString, Secret: true, Doc: "the account's webhook signing secret (at least 16 characters): the carrier pushes its tracking events to POST /webhooks/carriers/{carrier} instead of being polled (docs/tracking.md)"},
		},
		New: func(cfg carrier.Config) (carrier.Carrier, error) {
			return NewClient(ClientConfig{URL: cfg.String("url"), APIKey: cfg.String("api_key"),
				Carrier: cfg.String("carrier"), Timeout: cfg.Duration("timeout")})
		},
	})
}

// DefaultTimeout bounds one call of a client unless ClientConfig.Timeout says otherwise.
const DefaultTimeout = 10 * time.Second

// ClientConfig configures a client of a simulated network.
type ClientConfig struct {
	// URL is the network's base URL, http://HOST:PORT.
	URL string
	// APIKey is the network's key; "" is DefaultAPIKey.
	APIKey string
	// Carrier is the simulated carrier's code (NewClient; Clients makes one of each).
	Carrier string
	// Timeout bounds each call; a call that takes longer fails as carrier.Transient. Zero is
	// DefaultTimeout.
	Timeout time.Duration
	// HTTPClient sends the requests; nil is a client of its own with a connection pool sized
	// for many concurrent calls. Its own Timeout, if any, is not needed.
	HTTPClient *http.Client
}

// Client is the carrier.Carrier of one simulated carrier: adapter type "sim". It maps the
// protocol's answers to carrier errors (5xx, timeouts and connection errors are Transient,
// 429 RateLimited with its Retry-After, 401/403 Auth, other 4xx Refused naming the field,
// 501 ErrUnsupported). It never retries by itself; every call is safe to retry (purchases by
// their idempotency key, the others by a key derived from the request when none is given).
type Client struct {
	p       *profile
	base    string
	key     string
	timeout time.Duration
	hc      *http.Client
}

var _ carrier.Carrier = (*Client)(nil)

// newTransport is a connection pool for the clients of one network.
func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 1024
	t.MaxIdleConnsPerHost = 256
	return t
}

// NewClient returns the client of cfg.Carrier.
func NewClient(cfg ClientConfig) (*Client, error) {
	p, err := defaultProfile(cfg.Carrier)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("sim url %q: want http://HOST:PORT", cfg.URL)
	}
	if cfg.APIKey == "" {
		cfg.APIKey = DefaultAPIKey
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Transport: newTransport()}
	}
	p.pricer = nil // the carrier prices; the client only describes
	return &Client{
		p: p, base: strings.TrimRight(cfg.URL, "/") + "/v1/" + p.code, key: cfg.APIKey, timeout: cfg.Timeout, hc: cfg.HTTPClient,
	}, nil
}

// Clients returns a client for every simulated carrier, sorted by code, sharing one
// connection pool (cfg.Carrier is ignored).
func Clients(cfg ClientConfig) ([]*Client, error) {
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Transport: newTransport()}
	}
	codes := Codes()
	out := make([]*Client, 0, len(codes))
	for _, code := range codes {
		cfg.Carrier = code
		c, err := NewClient(cfg)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Code is the simulated carrier's code.
func (c *Client) Code() string { return c.p.code }

// Name is its display name.
func (c *Client) Name() string { return c.p.name }

// Services describes its services from the example rate cards.
func (c *Client) Services() []carrier.Service {
	out := make([]carrier.Service, len(c.p.services))
	copy(out, c.p.services)
	return out
}

// Capabilities says what the simulated carrier offers.
func (c *Client) Capabilities() carrier.Capabilities { return c.p.caps }

func (c *Client) unsupported(op string, need carrier.Capabilities) error {
	if c.p.caps.Has(need) {
		return nil
	}
	return carrier.Unsupported(c.p.code, op)
}

// Rate asks the carrier for prices.
func (c *Client) Rate(ctx context.Context, req carrier.RateRequest) ([]carrier.Rate, error) {
	if err := c.unsupported("rate", carrier.CanRate); err != nil {
		return nil, err
	}
	status, h, body, err := c.do(ctx, "rate", http.MethodPost, "/rates", "", toWireRateRequest(req))
	if err != nil {
		return nil, err
	}
	return parseRates(c.p.code, status, h, body)
}

// Purchase buys a label; the same IdempotencyKey always answers the same label.
func (c *Client) Purchase(ctx context.Context, req carrier.PurchaseRequest) (carrier.Label, error) {
	if err := c.unsupported("purchase", carrier.CanPurchase); err != nil {
		return carrier.Label{}, err
	}
	if strings.TrimSpace(req.IdempotencyKey) == "" {
		return carrier.Label{}, carrier.Refusal(c.p.code, "purchase", "missing_field", "idempotency_key",
			"an idempotency key is required: one per shipment attempt, the same on every retry")
	}
	status, h, body, err := c.do(ctx, "purchase", http.MethodPost, "/labels", req.IdempotencyKey, toWirePurchase(req))
	if err != nil {
		return carrier.Label{}, err
	}
	return parseLabel(c.p.code, status, h, body)
}

// Void voids a label before hand-over.
func (c *Client) Void(ctx context.Context, req carrier.VoidRequest) (carrier.Refund, error) {
	if err := c.unsupported("void", carrier.CanVoid); err != nil {
		return carrier.Refund{}, err
	}
	if req.CarrierShipmentID == "" {
		return carrier.Refund{}, carrier.Refusal(c.p.code, "void", "missing_field", "carrier_shipment_id", "the label's carrier shipment id is required")
	}
	key := req.IdempotencyKey
	if key == "" {
		key = "void-" + req.CarrierShipmentID
	}
	status, h, body, err := c.do(ctx, "void", http.MethodPost, "/labels/"+url.PathEscape(req.CarrierShipmentID)+"/void", key,
		wireVoidRequest{TrackingNumber: req.TrackingNumber})
	if err != nil {
		return carrier.Refund{}, err
	}
	return parseRefund(c.p.code, status, h, body)
}

// Track returns the raw events of each number, asking at most maxTrackingNumbers a request.
func (c *Client) Track(ctx context.Context, numbers []string) ([]carrier.Tracking, error) {
	if err := c.unsupported("track", carrier.CanTrack); err != nil {
		return nil, err
	}
	out := make([]carrier.Tracking, 0, len(numbers))
	for start := 0; start < len(numbers); start += maxTrackingNumbers {
		chunk := numbers[start:min(start+maxTrackingNumbers, len(numbers))]
		q := url.Values{"numbers": {strings.Join(chunk, ",")}}
		status, h, body, err := c.do(ctx, "track", http.MethodGet, "/tracking?"+q.Encode(), "", nil)
		if err != nil {
			return nil, err
		}
		ts, err := parseTracking(c.p.code, chunk, status, h, body)
		if err != nil {
			return nil, err
		}
		out = append(out, ts...)
	}
	return out, nil
}

// Manifest closes the day for the given labels (R-SHIP-5).
func (c *Client) Manifest(ctx context.Context, req carrier.ManifestRequest) (carrier.Manifest, error) {
	if err := c.unsupported("manifest", carrier.CanManifest); err != nil {
		return carrier.Manifest{}, err
	}
	w := wireManifestRequest{ShipDate: wireDate(req.ShipDate), From: req.From, WarehouseRef: req.WarehouseRef, TrackingNumbers: req.TrackingNumbers}
	key := req.IdempotencyKey
	if key == "" {
		key = "manifest-" + fingerprint(w).String()
	}
	status, h, body, err := c.do(ctx, "manifest", http.MethodPost, "/manifests", key, w)
	if err != nil {
		return carrier.Manifest{}, err
	}
	return parseManifest(c.p.code, status, h, body)
}

// SchedulePickup asks the carrier to collect parcels.
func (c *Client) SchedulePickup(ctx context.Context, req carrier.PickupRequest) (carrier.Pickup, error) {
	if err := c.unsupported("pickup", carrier.CanPickup); err != nil {
		return carrier.Pickup{}, err
	}
	w := wirePickupRequest{Address: req.Address, Window: wireWindow{Start: req.Window.Start.UTC(), End: req.Window.End.UTC()},
		ParcelCount: req.ParcelCount, TotalWeightG: req.TotalWeightG}
	key := req.IdempotencyKey
	if key == "" {
		key = "pickup-" + fingerprint(w).String()
	}
	status, h, body, err := c.do(ctx, "pickup", http.MethodPost, "/pickups", key, w)
	if err != nil {
		return carrier.Pickup{}, err
	}
	return parsePickup(c.p.code, status, h, body)
}

// maxResponse bounds an answer: a label document is tens of kilobytes, a large manifest a few
// megabytes.
const maxResponse = 32 << 20

// do sends one request and reads the answer. A failure to get an answer is the caller's
// context error when ctx is done, and otherwise carrier.Transient (timeouts and connection
// errors: the call may or may not have happened).
func (c *Client) do(ctx context.Context, op, method, path, key string, body any) (int, http.Header, []byte, error) {
	if err := ctx.Err(); err != nil {
		return 0, nil, nil, fmt.Errorf("carrier %s %s: %w", c.p.code, op, err)
	}
	cctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var rdr io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, nil, fmt.Errorf("carrier %s %s: encoding the request: %w", c.p.code, op, err)
		}
		rdr = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(cctx, method, c.base+path, rdr)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("carrier %s %s: %w", c.p.code, op, err)
	}
	// Retries are the caller's: without GetBody the transport never replays a request on its
	// own after a dropped connection (it would, for a request with an Idempotency-Key).
	req.GetBody = nil
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, nil, c.transportError(ctx, op, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return 0, nil, nil, c.transportError(ctx, op, err)
	}
	if len(data) > maxResponse {
		return 0, nil, nil, &carrier.Error{Kind: carrier.Transient, Carrier: c.p.code, Op: op, Code: "response_too_large",
			Message: fmt.Sprintf("the answer is larger than %d bytes", maxResponse)}
	}
	return resp.StatusCode, resp.Header, data, nil
}

func (c *Client) transportError(ctx context.Context, op string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("carrier %s %s: %w", c.p.code, op, ctx.Err())
	}
	code, msg := "connection", "no answer from the carrier (connection failed or dropped); retry with the same idempotency key"
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		code, msg = "timeout", fmt.Sprintf("the carrier did not answer within %s; retry with the same idempotency key", c.timeout)
	}
	return &carrier.Error{Kind: carrier.Transient, Carrier: c.p.code, Op: op, Code: code, Message: msg, Err: err}
}
