package shipping

import (
	"errors"
	"fmt"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/rating"
)

// Config holds the shipping figures that are policy, not physics. Zero fields take the
// documented defaults (WithDefaults).
type Config struct {
	// Policy is how a service is chosen when the caller names none: cheapest, fastest or
	// best_value (rating.Policy). Default cheapest.
	Policy rating.Policy
	// BestValuePct is N of the best_value policy. Default rating.DefaultBestValuePct.
	BestValuePct int
	// Boxes is the box catalogue packages are packed into: the one with the lowest landed cost
	// that fits (R-RATE-8). Nil: DefaultBoxes. An empty, non-nil catalogue ships the goods as
	// they are (the parcel is the stacked lines).
	Boxes []rating.Box
	// PlatformLimits are the platform-logistics size limits per market; a package over them
	// ships seller-side even in a platform-mode shop (R-MODE-4). A market without limits uses
	// DefaultPlatformLimits.
	PlatformLimits map[model.Market]Limits
	// CarrierConcurrency bounds the label purchases one node runs at once against one carrier,
	// so a batch of 100,000 orders does not flood a carrier's API. Default 64.
	CarrierConcurrency int
	// PurchaseTimeout bounds one label purchase, all its calls together. Default 30 s.
	PurchaseTimeout time.Duration
	// PurchaseHedgeAfter is how long a purchase call may go unanswered before a second call
	// with the same idempotency key races it (the carrier answers both with one label), so a
	// call that hangs does not hold its order for the whole PurchaseTimeout. Default 5 s, far
	// above a carrier's usual answer.
	PurchaseHedgeAfter time.Duration
	// PurchaseCalls is the most calls one purchase makes: the first, the hedges and the quick
	// retries after a transient failure (5xx, a dropped connection). Default 3; 1 makes a
	// single call and leaves every retry to the job engine.
	PurchaseCalls int
	// SyncAttempts is how many times a single-order ship (POST /v1/orders/{id}/ship) tries a
	// purchase that fails transiently before it answers 503; batches retry on the job engine
	// instead. Default 3.
	SyncAttempts int
	// MaxBatchOrders is the most orders one batch may take. Default 100,000.
	MaxBatchOrders int
	// DispatchChunk is how many orders of a batch are handed to the job engine per step.
	// Default 500.
	DispatchChunk int
}

// Limits are platform-logistics size limits (R-MODE-4).
type Limits struct {
	// MaxWeightG is the heaviest package, in grams.
	MaxWeightG int64
	// MaxSideMM is the longest side, in millimetres.
	MaxSideMM int64
	// MaxGirthMM is the longest side plus twice the sum of the other two, in millimetres; 0:
	// none.
	MaxGirthMM int64
}

// DefaultPlatformLimits are the limits of a market the configuration does not list. The
// platform publishes its limits per market and service; these are a conservative stand-in
// (30 kg, 120 cm, 300 cm length plus girth) for operators to replace with their market's.
var DefaultPlatformLimits = Limits{MaxWeightG: 30_000, MaxSideMM: 1_200, MaxGirthMM: 3_000}

// DefaultBoxes is a small generic catalogue: two mailers and four cartons. Costs are zero (not
// known); operators list their own boxes with their costs.
func DefaultBoxes() []rating.Box {
	return []rating.Box{
		{ID: "mailer-s", LengthMM: 230, WidthMM: 160, HeightMM: 30, WallMM: 1, TareG: 15},
		{ID: "mailer-m", LengthMM: 320, WidthMM: 240, HeightMM: 60, WallMM: 1, TareG: 30},
		{ID: "box-s", LengthMM: 200, WidthMM: 150, HeightMM: 100, WallMM: 4, TareG: 120},
		{ID: "box-m", LengthMM: 300, WidthMM: 220, HeightMM: 150, WallMM: 4, TareG: 220},
		{ID: "box-l", LengthMM: 400, WidthMM: 300, HeightMM: 250, WallMM: 5, TareG: 400},
		{ID: "box-xl", LengthMM: 600, WidthMM: 400, HeightMM: 400, WallMM: 6, TareG: 800},
	}
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	if c.Policy == "" {
		c.Policy = rating.Cheapest
	}
	if c.BestValuePct == 0 {
		c.BestValuePct = rating.DefaultBestValuePct
	}
	if c.Boxes == nil {
		c.Boxes = DefaultBoxes()
	}
	if c.CarrierConcurrency == 0 {
		c.CarrierConcurrency = 64
	}
	if c.PurchaseTimeout == 0 {
		c.PurchaseTimeout = 30 * time.Second
	}
	if c.PurchaseHedgeAfter == 0 {
		c.PurchaseHedgeAfter = 5 * time.Second
	}
	if c.PurchaseCalls == 0 {
		c.PurchaseCalls = 3
	}
	if c.SyncAttempts == 0 {
		c.SyncAttempts = 3
	}
	if c.MaxBatchOrders == 0 {
		c.MaxBatchOrders = 100_000
	}
	if c.DispatchChunk == 0 {
		c.DispatchChunk = 500
	}
	return c
}

// Validate reports every figure that cannot work, naming it.
func (c Config) Validate() error {
	var errs []error
	if _, err := rating.ParsePolicy(string(c.Policy)); err != nil {
		errs = append(errs, fmt.Errorf("shipping.policy: %w", err))
	}
	if c.BestValuePct < 0 {
		errs = append(errs, fmt.Errorf("shipping.best_value_pct %d: want 0 or more", c.BestValuePct))
	}
	for i, b := range c.Boxes {
		if b.ID == "" || b.LengthMM <= 0 || b.WidthMM <= 0 || b.HeightMM <= 0 || b.WallMM < 0 || b.TareG < 0 {
			errs = append(errs, fmt.Errorf("shipping.boxes[%d]: a box needs an id and positive inner sides; wall_mm and tare_g cannot be negative", i))
		}
	}
	for m, l := range c.PlatformLimits {
		if l.MaxWeightG <= 0 || l.MaxSideMM <= 0 || l.MaxGirthMM < 0 {
			errs = append(errs, fmt.Errorf("shipping.platform_limits.%s: max_weight_g and max_side_mm must be positive", m))
		}
	}
	if c.CarrierConcurrency < 1 || c.SyncAttempts < 1 || c.MaxBatchOrders < 1 || c.DispatchChunk < 1 || c.PurchaseTimeout <= 0 ||
		c.PurchaseHedgeAfter <= 0 || c.PurchaseCalls < 1 {
		errs = append(errs, errors.New("shipping: carrier_concurrency, sync_attempts, max_batch_orders, dispatch_chunk, purchase_timeout, purchase_hedge_after and purchase_calls must be positive"))
	}
	return errors.Join(errs...)
}

// limits returns the platform limits of market m.
func (c Config) limits(m model.Market) Limits {
	if l, ok := c.PlatformLimits[m]; ok {
		return l
	}
	return DefaultPlatformLimits
}
