package ratecard

import (
	"context"
	"fmt"
	"os"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/rating"
)

func init() {
	carrier.Register(carrier.Spec{
		Type:    "ratecard",
		Summary: "a carrier known by its rate cards only: rates, nothing else (labels are bought elsewhere)",
		Fields: []carrier.Field{
			{Name: "carrier", Type: carrier.TypeString, Required: true, Doc: "the carrier id on the cards (jt-us, royal-mail)"},
			{Name: "cards", Type: carrier.TypeString, Doc: "directory of rate card YAML files; default: the example cards embedded in lastmile"},
		},
		New: func(cfg carrier.Config) (carrier.Carrier, error) {
			cards, err := loadCards(cfg.String("cards"))
			if err != nil {
				return nil, err
			}
			return New(cards, cfg.String("carrier"), time.Now)
		},
	})
}

func loadCards(dir string) (*rating.Cards, error) {
	if dir == "" {
		return rating.DefaultCards()
	}
	cards, err := rating.Load(os.DirFS(dir))
	if err != nil {
		return nil, fmt.Errorf("cards %s: %w", dir, err)
	}
	return cards, nil
}

// Carrier is the "ratecard" adapter: it rates with a carrier's cards and supports nothing
// else.
type Carrier struct {
	p   *Pricer
	now func() time.Time
}

// New returns the rate-only carrier code of cards; now is the clock for requests without a
// ship date (nil is time.Now).
func New(cards *rating.Cards, code string, now func() time.Time) (*Carrier, error) {
	p, err := NewPricer(cards, code)
	if err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	return &Carrier{p: p, now: now}, nil
}

var _ carrier.Carrier = (*Carrier)(nil)

// Code is the cards' carrier id.
func (c *Carrier) Code() string { return c.p.Code() }

// Name is the cards' carrier name.
func (c *Carrier) Name() string { return c.p.Name() }

// Services are the cards' services.
func (c *Carrier) Services() []carrier.Service { return c.p.Services() }

// Capabilities is rate only.
func (c *Carrier) Capabilities() carrier.Capabilities { return carrier.CanRate }

// Rate prices req from the cards.
func (c *Carrier) Rate(ctx context.Context, req carrier.RateRequest) ([]carrier.Rate, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("carrier %s rate: %w", c.Code(), err)
	}
	return c.p.Rate(req, c.now())
}

// Purchase is unsupported: a rate card sells no labels.
func (c *Carrier) Purchase(context.Context, carrier.PurchaseRequest) (carrier.Label, error) {
	return carrier.Label{}, carrier.Unsupported(c.Code(), "purchase")
}

// Void is unsupported.
func (c *Carrier) Void(context.Context, carrier.VoidRequest) (carrier.Refund, error) {
	return carrier.Refund{}, carrier.Unsupported(c.Code(), "void")
}

// Track is unsupported.
func (c *Carrier) Track(context.Context, []string) ([]carrier.Tracking, error) {
	return nil, carrier.Unsupported(c.Code(), "track")
}

// Manifest is unsupported.
func (c *Carrier) Manifest(context.Context, carrier.ManifestRequest) (carrier.Manifest, error) {
	return carrier.Manifest{}, carrier.Unsupported(c.Code(), "manifest")
}

// SchedulePickup is unsupported.
func (c *Carrier) SchedulePickup(context.Context, carrier.PickupRequest) (carrier.Pickup, error) {
	return carrier.Pickup{}, carrier.Unsupported(c.Code(), "pickup")
}
