// Package settings is where a shop's own settings live: its overrides of its market's figures
// (from the configuration file's shops.<id> and from the API) and its shipping mode with its
// history (R-MODE-3). The domain reads a shop's effective figures through one function,
// Service.ShopMarkets (it implements config.Figures), which applies config.Effective: the
// market's figures, then the file's overrides, then the API's.
package settings

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/store"
)

// Service reads and changes shops' settings. Every call but ShopMarkets and ModeAt is scoped: a
// caller sees only the shops of its Scope.
type Service struct {
	store store.Store
	cfg   config.Config
	now   func() time.Time
	// certs are the carriers certified per market (R-SHIP-3): a shop's carriers must be.
	certs carrier.Certification

	// ttl is how long a shop's settings read from the store are trusted: a change made through
	// another node applies on this one within it (config settings_cache_ttl). A change made
	// through this Service applies at once.
	ttl   time.Duration
	mu    sync.Mutex
	cache map[string]cached
}

var _ config.Figures = (*Service)(nil)

// maxCached is how many shops' settings the cache holds before it drops the expired ones.
const maxCached = 10_000

type cached struct {
	settings model.ShopSettings
	markets  map[model.Market]config.Market
	expires  time.Time
}

// NewService returns a Service over st; cfg gives the markets and the file's shop overrides
// (WithDefaults applied); now is the clock.
func NewService(st store.Store, cfg config.Config, now func() time.Time) *Service {
	return &Service{store: st, cfg: cfg, now: now, certs: Certification(cfg), ttl: cfg.SettingsCacheTTL, cache: map[string]cached{}}
}

// Certification is the certified carriers per market (R-SHIP-3): the default lists, for the
// markets whose certified_carriers_only is set; a market without it restricts nothing.
func Certification(cfg config.Config) carrier.Certification {
	off := map[string][]string{}
	for code, m := range cfg.Markets {
		if !m.CertifiedOnly {
			off[string(code)] = nil
		}
	}
	return carrier.DefaultCertification().Merge(off)
}

// Carriers is a shop's carriers setting (R-SHIP-3) as the console shows it.
type Carriers struct {
	// Market is the shop's market; a shop has one.
	Market model.Market
	// Restricted: only certified carriers may be used in Market (R-SHIP-3).
	Restricted bool
	// Certified are the carriers certified for Market, sorted; nil when it restricts nothing.
	Certified []string
	// Enabled are the carriers the shop ships with; empty when Default.
	Enabled []string
	// Default: the shop sets no list and ships with every certified carrier.
	Default bool
}

// Ships reports whether the shop ships with carrier code.
func (c Carriers) Ships(code string) bool {
	return c.Default || slices.Contains(c.Enabled, code)
}

// ShopCarriers returns the shop's carriers setting with its market's certified carriers.
func (s *Service) ShopCarriers(ctx context.Context, scope model.Scope, shopID string) (Carriers, error) {
	eff, err := s.Effective(ctx, scope, shopID)
	if err != nil {
		return Carriers{}, err
	}
	mk := string(eff.Market)
	return Carriers{Market: eff.Market, Restricted: s.certs.Restricted(mk), Certified: s.certs.Certified(mk),
		Enabled: eff.Figures.Market.Carriers, Default: len(eff.Figures.Market.Carriers) == 0}, nil
}

// checkCarriers refuses a carriers list with a carrier not certified for the shop's market
// (R-SHIP-3), naming the carrier, the market and the fix, and an empty list.
func (s *Service) checkCarriers(ctx context.Context, shopID, value string) ([]model.FieldError, error) {
	m, err := config.Effective(config.Market{}, config.Overrides{"carriers": value})
	if err != nil {
		return nil, nil // reported as invalid_setting already
	}
	if len(m.Carriers) == 0 {
		return []model.FieldError{{Code: "invalid_setting", Field: "carriers",
			Message: "an empty list would leave the shop no carrier to ship with; name at least one, or remove the setting (null) to ship with every certified carrier"}}, nil
	}
	shop, err := s.store.GetShop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	var out []model.FieldError
	for _, code := range m.Carriers {
		var nc *carrier.NotCertifiedError
		if err := s.certs.Check(string(shop.Market), code); errors.As(err, &nc) {
			out = append(out, model.FieldError{Code: "carrier_not_certified", Field: "carriers",
				Message: fmt.Sprintf("carrier %s is not platform-certified in the shop's market %s (R-SHIP-3); remove it, choosing among %s",
					code, nc.Market, certifiedList(nc.Certified))})
		}
	}
	return out, nil
}

func certifiedList(codes []string) string {
	if len(codes) == 0 {
		return "none: no carrier is certified there"
	}
	return strings.Join(codes, ", ")
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

func inScope(scope model.Scope, shopID string) error {
	if !scope.Has(shopID) {
		// Not 403: a key must not learn that another shop exists.
		return fmt.Errorf("shop %s: %w", shopID, model.ErrNotFound)
	}
	return nil
}

// Get returns the shop's stored settings: the overrides set through the API and the
// shipping-mode history.
func (s *Service) Get(ctx context.Context, scope model.Scope, shopID string) (model.ShopSettings, error) {
	if err := inScope(scope, shopID); err != nil {
		return model.ShopSettings{}, err
	}
	return s.store.GetShopSettings(ctx, shopID)
}

// Patch is a change to a shop's settings (JSON merge-patch semantics: RFC 7396).
type Patch struct {
	// Set are overrides to add or replace, by key, in their stored form (config.OverrideFromJSON).
	Set config.Overrides
	// Remove are keys whose override is withdrawn: the shop takes its market's figure again.
	Remove []string
	// Mode, when set, switches the shipping mode from now on (R-MODE-3); setting the current
	// mode changes nothing.
	Mode model.ShippingMode
}

// Patch applies p to the shop's settings and returns them as stored. A key that is not a shop
// override, a bad value or an unknown mode is a *model.ValidationError naming it, and nothing
// changes.
func (s *Service) Patch(ctx context.Context, scope model.Scope, shopID string, p Patch) (model.ShopSettings, error) {
	if err := inScope(scope, shopID); err != nil {
		return model.ShopSettings{}, err
	}
	var problems []model.FieldError
	for _, name := range slices.Sorted(maps.Keys(p.Set)) {
		if _, err := config.Effective(config.Market{}, config.Overrides{name: p.Set[name]}); err != nil {
			problems = append(problems, model.FieldError{Code: "invalid_setting", Field: name, Message: keyMessage(err)})
			continue
		}
		if name == "carriers" {
			// R-SHIP-3: a shop ships only with carriers certified for its market.
			bad, err := s.checkCarriers(ctx, shopID, p.Set[name])
			if err != nil {
				return model.ShopSettings{}, err
			}
			problems = append(problems, bad...)
		}
	}
	for _, name := range p.Remove {
		if !slices.Contains(config.ShopKeys(), name) {
			problems = append(problems, model.FieldError{Code: "invalid_setting", Field: name,
				Message: "not a setting a shop overrides; GET /v1/shops/{id}/settings/effective lists them"})
		}
	}
	if p.Mode != "" && !p.Mode.Valid() {
		problems = append(problems, model.FieldError{Code: "invalid_setting", Field: "shipping_mode",
			Message: fmt.Sprintf("%q is not a shipping mode; write seller or platform (R-MODE-2)", p.Mode)})
	}
	if len(problems) > 0 {
		return model.ShopSettings{}, &model.ValidationError{Problems: problems}
	}
	now := s.clock()
	st, err := s.store.UpdateShopSettings(ctx, shopID, func(st *model.ShopSettings) (bool, error) {
		changed := false
		for _, name := range p.Remove {
			if _, ok := st.Overrides[name]; ok {
				delete(st.Overrides, name)
				changed = true
			}
		}
		for name, v := range p.Set {
			if cur, ok := st.Overrides[name]; !ok || cur != v {
				if st.Overrides == nil {
					st.Overrides = map[string]string{}
				}
				st.Overrides[name] = v
				changed = true
			}
		}
		if p.Mode != "" && p.Mode != st.Mode() {
			// R-MODE-3: the switch applies to orders created from now on; older ones keep theirs.
			st.ModeChanges = append(st.ModeChanges, model.ModeChange{Mode: p.Mode, At: now})
			changed = true
		}
		if changed {
			st.UpdatedAt = now
		}
		return changed, nil
	})
	if err != nil {
		return model.ShopSettings{}, err
	}
	s.forget(shopID)
	return st, nil
}

// keyMessage is a config error's message without the key the field already names.
func keyMessage(err error) string {
	var ke *config.KeyError
	if errors.As(err, &ke) {
		return ke.Msg
	}
	return err.Error()
}

// Effective is a shop's effective figures on its market, where each came from, and its
// shipping mode with its history.
type Effective struct {
	ShopID      string
	Market      model.Market
	Figures     config.ShopFigures
	Mode        model.ShippingMode
	ModeChanges []model.ModeChange
}

// Effective returns the figures that apply to the shop: its market's, with the file's and the
// API's overrides (config.Config.ForShop).
func (s *Service) Effective(ctx context.Context, scope model.Scope, shopID string) (Effective, error) {
	if err := inScope(scope, shopID); err != nil {
		return Effective{}, err
	}
	shop, err := s.store.GetShop(ctx, shopID)
	if err != nil {
		return Effective{}, err
	}
	st, err := s.store.GetShopSettings(ctx, shopID)
	if err != nil {
		return Effective{}, err
	}
	f, err := s.cfg.ForShop(shopID, shop.Market, st.Overrides)
	if err != nil {
		return Effective{}, fmt.Errorf("shop %s: %w", shopID, err)
	}
	return Effective{ShopID: shopID, Market: shop.Market, Figures: f, Mode: st.Mode(), ModeChanges: st.ModeChanges}, nil
}

// ShopMarkets returns every configured market's figures as they apply to shopID: the market's,
// then the file's shops.<id>, then the API's overrides. The map is shared; do not change it.
func (s *Service) ShopMarkets(ctx context.Context, shopID string) (map[model.Market]config.Market, error) {
	c, err := s.load(ctx, []string{shopID})
	if err != nil {
		return nil, err
	}
	return c[shopID].markets, nil
}

// MarketsOf is ShopMarkets for several shops, read in one store query for those not cached. It
// implements config.Figures: order, inventory and rating read shops' figures through it.
func (s *Service) MarketsOf(ctx context.Context, shopIDs []string) (map[string]map[model.Market]config.Market, error) {
	c, err := s.load(ctx, shopIDs)
	if err != nil {
		return nil, err
	}
	out := make(map[string]map[model.Market]config.Market, len(c))
	for id, e := range c {
		out[id] = e.markets
	}
	return out, nil
}

// ModeAt is the shipping mode that applies to an order of the shop created at t (R-MODE-3).
func (s *Service) ModeAt(ctx context.Context, shopID string, t time.Time) (model.ShippingMode, error) {
	c, err := s.load(ctx, []string{shopID})
	if err != nil {
		return "", err
	}
	return c[shopID].settings.ModeAt(t), nil
}

// load returns the shops' settings and figures, from the cache while they are fresh and with
// one store read for the rest.
func (s *Service) load(ctx context.Context, shopIDs []string) (map[string]cached, error) {
	now := s.now()
	out := make(map[string]cached, len(shopIDs))
	var missing []string
	seen := make(map[string]bool, len(shopIDs))
	s.mu.Lock()
	for _, id := range shopIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		if c, ok := s.cache[id]; ok && now.Before(c.expires) {
			out[id] = c
		} else {
			missing = append(missing, id)
		}
	}
	s.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	stored, err := s.store.ListShopSettings(ctx, missing)
	if err != nil {
		return nil, err
	}
	byShop := make(map[string]model.ShopSettings, len(stored))
	for _, st := range stored {
		byShop[st.ShopID] = st
	}
	fresh := make(map[string]cached, len(missing))
	for _, id := range missing {
		st, ok := byShop[id]
		if !ok {
			st = model.ShopSettings{ShopID: id}
		}
		c := cached{settings: st, markets: s.cfg.Markets, expires: now.Add(s.ttl)}
		if file := s.cfg.Shops[id]; len(file) > 0 || len(st.Overrides) > 0 {
			c.markets = make(map[model.Market]config.Market, len(s.cfg.Markets))
			for code, m := range s.cfg.Markets {
				if c.markets[code], err = config.Effective(m, file, st.Overrides); err != nil {
					return nil, fmt.Errorf("shop %s settings: %w", id, err)
				}
			}
		}
		fresh[id], out[id] = c, c
	}
	s.mu.Lock()
	if len(s.cache)+len(fresh) > maxCached {
		for id, e := range s.cache { // drop what has expired; the rest ages out the same way
			if !now.Before(e.expires) {
				delete(s.cache, id)
			}
		}
	}
	maps.Copy(s.cache, fresh)
	s.mu.Unlock()
	return out, nil
}

func (s *Service) forget(shopID string) {
	s.mu.Lock()
	delete(s.cache, shopID)
	s.mu.Unlock()
}

// UnknownFileShops lists the shops the configuration file gives figures for that do not exist
// in the store: most likely a mistyped id, whose figures would never apply.
func (s *Service) UnknownFileShops(ctx context.Context) ([]string, error) {
	var out []string
	for _, id := range slices.Sorted(maps.Keys(s.cfg.Shops)) {
		_, err := s.store.GetShop(ctx, id)
		switch {
		case errors.Is(err, model.ErrNotFound):
			out = append(out, id)
		case err != nil:
			return nil, err
		}
	}
	return out, nil
}
