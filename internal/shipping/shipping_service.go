// Package shipping is where orders ship: packages, shipments, the ship workflow, batches and
// manifests — the rules and the use cases.
//
// The ship workflow is one place, the order's way through (Service.Ship):
//
//	confirmed, not held (R-ORD-3, R-ORD-6) → allocated (inventory) → one package per warehouse
//	(R-MODE-6) in the box with the lowest landed cost (R-RATE-8) → a certified service (R-SHIP-3)
//	that meets the promise (R-SLA-1), chosen by policy → the label bought from the carrier, or
//	issued by the platform under platform logistics (R-MODE-2…4) → the tracking number checked
//	(R-SHIP-4) → the label kept (R-SHIP-2) or rendered (R-LBL) → AWAITING_COLLECTION.
//
// Nothing is bought twice: a shipment is stored (status created) before its label is bought,
// and the purchase carries the shipment's id as the carrier's idempotency key, so a retry after
// any failure — a lost answer, a crash, kill -9 — gets the same label back. The store keeps one
// live shipment per package. Batches run on the job engine (jobs.go): each order is a job,
// retried with backoff, and a batch resumes by itself after a restart.
//
// The pure rules (which orders ship, packing, service choice, limits) are in shipment_plan.go;
// the rest are use cases over the store, the carriers and the rate cards.
package shipping

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/config"
	"lastmile/internal/ident"
	"lastmile/internal/inventory"
	"lastmile/internal/model"
	"lastmile/internal/rating"
	"lastmile/internal/store"
)

// ModeSource tells which shipping mode a shop had at a time (R-MODE-3: a switch applies only to
// orders created after it).
type ModeSource interface {
	ModeAt(ctx context.Context, shopID string, at time.Time) (model.ShippingMode, error)
}

// LabelSource issues labels under platform logistics (R-MODE-2): the marketplace ships the
// package and returns its label and tracking number. The marketplace adapter implements it.
type LabelSource interface {
	// PlatformLabel ships pkg of o through the platform and returns its label. It is idempotent
	// by key: a retry returns the same label.
	PlatformLabel(ctx context.Context, key string, o model.Order, pkg model.Package) (PlatformLabel, error)
}

// PlatformLabel is a label the platform issued.
type PlatformLabel struct {
	// Carrier and Service are the platform's carrier and service for the package.
	Carrier, Service string
	TrackingNumber   string
	// Document is the platform's shipping document, kept as it is (R-SHIP-2).
	Document carrier.Document
}

// Deps is what the Service needs.
type Deps struct {
	Store     store.Store
	Shipping  store.Shipping
	Inventory *inventory.Service
	// Cards returns the loaded rate cards; it is called per plan, so a reload takes effect at
	// once.
	Cards    func() *rating.Cards
	Carriers *carrier.Set
	// Certification is the per-market list of certified carriers (R-SHIP-3).
	Certification carrier.Certification
	Markets       map[model.Market]config.Market
	// Figures, when set, gives each shop's own figures (its overrides of Markets, and its
	// carriers setting: quotes and labels consider only the carriers the shop ships with).
	Figures config.Figures
	// Modes gives a shop's mode at a time; nil ships every order seller-side.
	Modes ModeSource
	// Platform issues platform-logistics labels; nil refuses platform-mode packages with a
	// reason until a marketplace is connected.
	Platform LabelSource
	Config   Config
	// FollowUp, when set, names the work a newly labelled shipment needs (push the tracking
	// number to the marketplace, start tracking it): its jobs are enqueued in the same
	// transaction as the label (DESIGN: the transactional outbox). It must not block.
	FollowUp func(o model.Order, sh model.Shipment) ([]store.Job, error)
	Now      func() time.Time
	Log      *slog.Logger
}

// Service is the shipping use cases.
type Service struct {
	d   Deps
	cfg Config
	ids *ident.Generator

	mu        sync.Mutex
	slots     map[string]chan struct{} // per-carrier purchase slots
	cardsSeen *rating.Cards            // the cards shippable was made from
	shippable *rating.Cards
}

// NewService returns the shipping use cases over d.
func NewService(d Deps) (*Service, error) {
	cfg := d.Config.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if d.Certification == nil {
		d.Certification = carrier.DefaultCertification()
	}
	return &Service{d: d, cfg: cfg, ids: ident.NewGenerator(), slots: map[string]chan struct{}{}}, nil
}

func (s *Service) clock() time.Time { return s.d.Now().UTC().Truncate(time.Microsecond) }

// cards returns the loaded cards of the configured carriers' services, rebuilt when the cards
// were reloaded.
func (s *Service) cards() (*rating.Cards, error) {
	all := s.d.Cards()
	s.mu.Lock()
	defer s.mu.Unlock()
	if all != s.cardsSeen || s.shippable == nil {
		sc, err := ShippableCards(all, s.d.Carriers)
		if err != nil {
			return nil, fmt.Errorf("shipping: rate cards: %w", err)
		}
		s.cardsSeen, s.shippable = all, sc
	}
	return s.shippable, nil
}

// slot takes one of the carrier's purchase slots (Config.CarrierConcurrency), waiting for one
// while ctx lasts; release gives it back.
func (s *Service) slot(ctx context.Context, code string) (release func(), err error) {
	s.mu.Lock()
	ch, ok := s.slots[code]
	if !ok {
		ch = make(chan struct{}, s.cfg.CarrierConcurrency)
		s.slots[code] = ch
	}
	s.mu.Unlock()
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// actor names who acted, for the order's history.
func actor(scope model.Scope) string { return inventory.Actor(scope) }
