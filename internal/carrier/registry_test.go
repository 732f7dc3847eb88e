package carrier_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"lastmile/internal/carrier"
)

// named is the smallest Carrier: a code and nothing else, to exercise the registry and Set.
type named struct {
	code     string
	services []carrier.Service
}

func (n named) Code() string                       { return n.code }
func (n named) Name() string                       { return strings.ToUpper(n.code) }
func (n named) Services() []carrier.Service        { return n.services }
func (n named) Capabilities() carrier.Capabilities { return 0 }
func (n named) Rate(context.Context, carrier.RateRequest) ([]carrier.Rate, error) {
	return nil, carrier.Unsupported(n.code, "rate")
}
func (n named) Purchase(context.Context, carrier.PurchaseRequest) (carrier.Label, error) {
	return carrier.Label{}, carrier.Unsupported(n.code, "purchase")
}
func (n named) Void(context.Context, carrier.VoidRequest) (carrier.Refund, error) {
	return carrier.Refund{}, carrier.Unsupported(n.code, "void")
}
func (n named) Track(context.Context, []string) ([]carrier.Tracking, error) {
	return nil, carrier.Unsupported(n.code, "track")
}
func (n named) Manifest(context.Context, carrier.ManifestRequest) (carrier.Manifest, error) {
	return carrier.Manifest{}, carrier.Unsupported(n.code, "manifest")
}
func (n named) SchedulePickup(context.Context, carrier.PickupRequest) (carrier.Pickup, error) {
	return carrier.Pickup{}, carrier.Unsupported(n.code, "pickup")
}

// seen records what New was given.
type seen struct {
	code    string
	timeout time.Duration
	tags    []string
	retries int64
	ratio   float64
	debug   bool
	key     string
}

func testSpec(got *seen) carrier.Spec {
	return carrier.Spec{
		Type:    "test",
		Summary: "a carrier for registry tests",
		Fields: []carrier.Field{
			{Name: "code", Type: carrier.TypeString, Required: true, Doc: "the carrier code"},
			{Name: "api_key", Type: carrier.TypeString, Secret: true, Default: "k", Doc: "the API key"},
			{Name: "timeout", Type: carrier.TypeDuration, Default: "10s", Doc: "per call"},
			{Name: "tags", Type: carrier.TypeStrings, Doc: "labels"},
			{Name: "retries", Type: carrier.TypeInt, Default: "3", Doc: "a count"},
			{Name: "ratio", Type: carrier.TypeFloat, Default: "0.5", Doc: "a number"},
			{Name: "debug", Type: carrier.TypeBool, Default: "false", Doc: "a flag"},
		},
		New: func(cfg carrier.Config) (carrier.Carrier, error) {
			*got = seen{cfg.String("code"), cfg.Duration("timeout"), cfg.Strings("tags"), cfg.Int("retries"),
				cfg.Float("ratio"), cfg.Bool("debug"), cfg.String("api_key")}
			if cfg.String("code") == "broken" {
				return nil, errors.New("cannot build it")
			}
			return named{code: cfg.String("code")}, nil
		},
	}
}

func TestRegistry(t *testing.T) {
	t.Parallel()
	var got seen
	r, err := carrier.NewRegistry(testSpec(&got))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Register(testSpec(&got)); err == nil {
		t.Error("a second spec of one type registered")
	}
	if err := r.Register(carrier.Spec{Type: "Bad Type", New: testSpec(&got).New}); err == nil {
		t.Error("a malformed type registered")
	}
	if err := r.Register(carrier.Spec{Type: "x", New: testSpec(&got).New, Fields: []carrier.Field{{Name: "a", Type: carrier.TypeInt, Default: "ten"}}}); err == nil {
		t.Error("a spec with a bad default registered")
	}
	if err := r.Register(carrier.Spec{Type: "y", New: testSpec(&got).New, Fields: []carrier.Field{{Name: "a", Type: "complex"}}}); err == nil {
		t.Error("a spec with an unknown field type registered")
	}

	// JSON gives float64 numbers and []any lists; YAML gives int.
	c, err := r.New("test", map[string]any{"code": "usps", "timeout": "300ms", "tags": []any{"a", "b"}, "retries": float64(5), "debug": true})
	if err != nil {
		t.Fatal(err)
	}
	if c.Code() != "usps" || got.timeout != 300*time.Millisecond || strings.Join(got.tags, ",") != "a,b" ||
		got.retries != 5 || got.ratio != 0.5 || !got.debug || got.key != "k" {
		t.Errorf("decoded %+v", got)
	}
	if _, err := r.New("test", map[string]any{"code": "ups", "retries": 7, "tags": "x, y", "ratio": 2}); err != nil || got.retries != 7 || len(got.tags) != 2 || got.ratio != 2 {
		t.Errorf("YAML ints and a comma list: %+v %v", got, err)
	}

	_, err = r.New("test", map[string]any{"timeout": 5, "retries": 1.5, "url": "x", "debug": "perhaps", "tags": []any{1}})
	if err == nil {
		t.Fatal("bad values accepted")
	}
	for _, want := range []string{`"code": is required`, `"timeout": want a duration`, `"retries": want a whole number`, `"url": unknown key`, `"debug": want true or false`, `"tags": item 0`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("errors lack %q:\n%v", want, err)
		}
	}
	var ce *carrier.ConfigError
	if !errors.As(err, &ce) || ce.Adapter != "test" {
		t.Errorf("not a ConfigError: %v", err)
	}
	if _, err := r.New("test", map[string]any{"code": "broken"}); err == nil || !strings.Contains(err.Error(), "cannot build it") {
		t.Errorf("New's error: %v", err)
	}
	if _, err := r.New("nope", nil); err == nil || !strings.Contains(err.Error(), "known: test") {
		t.Errorf("unknown type: %v", err)
	}

	spec, _ := r.Lookup("test")
	cfg, err := spec.Decode(map[string]any{"code": "x", "api_key": "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	if red := cfg.Redacted(); red["api_key"] != "***" || red["code"] != "x" || cfg.Type() != "test" || !cfg.Has("timeout") || cfg.Has("tags") {
		t.Errorf("Redacted = %v", red)
	}
	if specs := r.Specs(); len(specs) != 1 || specs[0].Summary == "" {
		t.Errorf("Specs = %v", specs)
	}

	set, err := r.Open([]carrier.Instance{{Type: "test", Config: map[string]any{"code": "ups"}}, {Type: "test", Config: map[string]any{"code": "usps"}}})
	if err != nil || strings.Join(set.Codes(), ",") != "ups,usps" {
		t.Fatalf("Open: %v %v", set, err)
	}
	_, err = r.Open([]carrier.Instance{{Type: "test"}, {Type: "nope"}})
	if err == nil || !strings.Contains(err.Error(), "carriers[0]") || !strings.Contains(err.Error(), "carriers[1]") {
		t.Errorf("Open reports every instance: %v", err)
	}
	if _, err := r.Open([]carrier.Instance{{Type: "test", Config: map[string]any{"code": "ups"}}, {Type: "test", Config: map[string]any{"code": "ups"}}}); err == nil {
		t.Error("two carriers with one code")
	}
}

func TestSetService(t *testing.T) {
	t.Parallel()
	set, err := carrier.NewSet(named{code: "usps", services: []carrier.Service{{Code: "ground-advantage"}}}, named{code: "jt-th"})
	if err != nil {
		t.Fatal(err)
	}
	c, svc, err := set.Service("usps", "ground-advantage")
	if err != nil || c.Code() != "usps" || svc.Code != "ground-advantage" {
		t.Errorf("Service = %v %v %v", c, svc, err)
	}
	for _, tc := range []struct{ carrier, service, field string }{{"ups", "ground", "carrier"}, {"usps", "priority", "service"}} {
		_, _, err := set.Service(tc.carrier, tc.service)
		var e *carrier.Error
		if !errors.As(err, &e) || e.Kind != carrier.Refused || e.Field != tc.field {
			t.Errorf("%s/%s: %v", tc.carrier, tc.service, err)
		}
	}
	if got, ok := set.Get("jt-th"); !ok || got.Code() != "jt-th" || len(set.Carriers()) != 2 {
		t.Error("Get")
	}
}
