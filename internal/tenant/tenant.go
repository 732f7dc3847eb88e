// Package tenant manages shops and the API keys that reach them. A key is random, shown once,
// stored only as its SHA-256, revocable, and grants one shop (or several, for an operator); every
// request's Scope comes from here.
package tenant

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/ident"
	"lastmile/internal/model"
	"lastmile/internal/store"
)

// Key format: "lm_" + 16-character key id + "_" + 40-character secret (200 random bits).
const (
	keyPrefix    = "lm_"
	keyIDLen     = 16
	keySecretLen = 40
)

// Service creates shops and keys and authenticates requests.
type Service struct {
	store   store.Store
	markets map[model.Market]config.Market
	now     func() time.Time

	// cacheTTL is how long a key looked up in the store is trusted without asking again; zero
	// asks every time. A key revoked through this Service stops working at once; one revoked
	// elsewhere (another node, the CLI) within cacheTTL.
	cacheTTL time.Duration
	mu       sync.Mutex
	cache    map[string]cachedKey
	// touched is when this node last wrote each key's last use (keys that authenticated only).
	touched map[string]time.Time
	log     *slog.Logger
}

// lastUsedEvery is how often a key's last use is written: at most once per key and node in
// this interval, and the store skips the write when another node made it within the interval,
// so a busy key costs one UPDATE a minute, not one per request. The time shown is therefore
// accurate to a minute.
const lastUsedEvery = time.Minute

type cachedKey struct {
	key     model.APIKey
	expires time.Time
}

// NewService returns a Service over st. now is the clock; cacheTTL as in Service.
func NewService(st store.Store, markets map[model.Market]config.Market, now func() time.Time, cacheTTL time.Duration) *Service {
	return &Service{store: st, markets: markets, now: now, cacheTTL: cacheTTL, cache: map[string]cachedKey{},
		touched: map[string]time.Time{}, log: slog.New(slog.DiscardHandler)}
}

// WithLog sets the logger that reports a key's last use that could not be written; it returns s.
func (s *Service) WithLog(log *slog.Logger) *Service {
	s.log = log
	return s
}

// Keys lists the keys that grant any of the scope's shops, newest first, revoked ones
// included. Each key's ShopIDs are cut to the scope's, and Shared says it grants other shops
// too: a caller never learns which.
func (s *Service) Keys(ctx context.Context, scope model.Scope) ([]ListedKey, error) {
	keys, err := s.store.ListShopAPIKeys(ctx, scope.ShopIDs)
	if err != nil {
		return nil, fmt.Errorf("list api keys: %w", err)
	}
	out := make([]ListedKey, 0, len(keys))
	for _, k := range keys {
		l := ListedKey{APIKey: k}
		l.ShopIDs = nil
		for _, id := range k.ShopIDs {
			if scope.Has(id) {
				l.ShopIDs = append(l.ShopIDs, id)
			} else {
				l.Shared = true
			}
		}
		out = append(out, l)
	}
	return out, nil
}

// ListedKey is a key as a listing shows it: never its hash.
type ListedKey struct {
	model.APIKey
	// Shared: the key grants shops outside the caller's scope too.
	Shared bool
}

// Prefix is the start of the key's secret that identifies it ("lm_" and its id), as shown in
// listings.
func Prefix(id string) string { return keyPrefix + id + "_" }

// touch records the key's use now, at most once per lastUsedEvery on this node. A failed write
// is logged, never the request's failure: the last use is a hint for the key's owner.
func (s *Service) touch(ctx context.Context, id string, now time.Time) {
	s.mu.Lock()
	last, ok := s.touched[id]
	due := !ok || now.Sub(last) > lastUsedEvery
	if due {
		s.touched[id] = now
	}
	s.mu.Unlock()
	if !due {
		return
	}
	if _, err := s.store.TouchAPIKey(ctx, id, now.UTC().Truncate(time.Microsecond), lastUsedEvery); err != nil {
		s.log.Warn("api key last use not recorded", "key_id", id, "err", err)
	}
}

// CreateShop creates a shop on market. timeZone defaults to the market's.
func (s *Service) CreateShop(ctx context.Context, name string, market model.Market, timeZone string) (model.Shop, error) {
	return s.CreateShopWithID(ctx, ident.New("shop", s.now()), name, market, timeZone)
}

// CreateShopWithID creates a shop with a chosen id (a fixture's, or one migrated from elsewhere);
// it returns an error wrapping model.ErrConflict when the id is taken.
func (s *Service) CreateShopWithID(ctx context.Context, id, name string, market model.Market, timeZone string) (model.Shop, error) {
	name = strings.TrimSpace(name)
	market = model.NormalizeMarket(string(market))
	var problems []model.FieldError
	if name == "" {
		problems = append(problems, model.FieldError{Code: "missing_field", Field: "name", Message: "a shop needs a name"})
	}
	mk, ok := s.markets[market]
	if !ok {
		problems = append(problems, model.FieldError{Code: "market_unknown", Field: "market",
			Message: fmt.Sprintf("market %q is not configured; use an ISO country code such as US, GB, DE, ID", market)})
	}
	if timeZone == "" {
		timeZone = mk.TimeZone
	}
	if _, err := time.LoadLocation(timeZone); err != nil {
		problems = append(problems, model.FieldError{Code: "time_zone_unknown", Field: "time_zone",
			Message: fmt.Sprintf("time zone %q is not an IANA zone such as Europe/London", timeZone)})
	}
	if len(problems) > 0 {
		return model.Shop{}, &model.ValidationError{Problems: problems}
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	shop := model.Shop{ID: id, Name: name, Market: market, TimeZone: timeZone, CreatedAt: now}
	if err := s.store.CreateShop(ctx, shop); err != nil {
		return model.Shop{}, err
	}
	return shop, nil
}

// CreateKey creates a key granting shopIDs and returns the secret, which is never shown again.
func (s *Service) CreateKey(ctx context.Context, name string, shopIDs []string) (secret string, key model.APIKey, err error) {
	if len(shopIDs) == 0 {
		return "", key, &model.ValidationError{Problems: []model.FieldError{{Code: "missing_field", Field: "shop", Message: "a key needs at least one shop"}}}
	}
	id := ident.Random(keyIDLen)
	secret = keyPrefix + id + "_" + ident.Random(keySecretLen)
	sum := sha256.Sum256([]byte(secret))
	key = model.APIKey{ID: id, Name: name, Hash: sum[:], ShopIDs: shopIDs, CreatedAt: s.now().UTC().Truncate(time.Microsecond)}
	if err := s.store.CreateAPIKey(ctx, key); err != nil {
		return "", model.APIKey{}, err
	}
	return secret, key, nil
}

// Revoke revokes the key with id; requests with it fail from now on.
func (s *Service) Revoke(ctx context.Context, id string) error {
	err := s.store.RevokeAPIKey(ctx, id, s.now().UTC().Truncate(time.Microsecond))
	s.mu.Lock()
	delete(s.cache, id)
	s.mu.Unlock()
	return err
}

// Authenticate returns the scope of the key secret, or an error wrapping model.ErrUnauthorized
// that says why, without telling a guesser whether a key id exists.
func (s *Service) Authenticate(ctx context.Context, secret string) (model.Scope, error) {
	id, ok := parseKey(secret)
	if !ok {
		return model.Scope{}, fmt.Errorf("malformed API key: want lm_<id>_<secret>: %w", model.ErrUnauthorized)
	}
	key, err := s.lookup(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		return model.Scope{}, fmt.Errorf("unknown or revoked API key: %w", model.ErrUnauthorized)
	}
	if err != nil {
		return model.Scope{}, err
	}
	sum := sha256.Sum256([]byte(secret))
	if subtle.ConstantTimeCompare(sum[:], key.Hash) != 1 || key.RevokedAt != nil {
		return model.Scope{}, fmt.Errorf("unknown or revoked API key: %w", model.ErrUnauthorized)
	}
	s.touch(ctx, key.ID, s.now())
	return model.Scope{KeyID: key.ID, ShopIDs: key.ShopIDs}, nil
}

// lookup returns the stored key, from the cache while it is fresh. Only keys that exist are
// cached, so the cache holds at most one entry per real key whatever callers send.
func (s *Service) lookup(ctx context.Context, id string) (model.APIKey, error) {
	now := s.now()
	if s.cacheTTL > 0 {
		s.mu.Lock()
		c, ok := s.cache[id]
		s.mu.Unlock()
		if ok && now.Before(c.expires) {
			return c.key, nil
		}
	}
	key, err := s.store.GetAPIKey(ctx, id)
	if err != nil || s.cacheTTL <= 0 {
		return key, err
	}
	s.mu.Lock()
	s.cache[id] = cachedKey{key: key, expires: now.Add(s.cacheTTL)}
	s.mu.Unlock()
	return key, nil
}

func parseKey(secret string) (id string, ok bool) {
	rest, ok := strings.CutPrefix(secret, keyPrefix)
	if !ok || len(rest) != keyIDLen+1+keySecretLen || rest[keyIDLen] != '_' {
		return "", false
	}
	// Ids are ASCII letters and digits; other bytes would reach the store as text it may refuse.
	for i := range keyIDLen {
		if c := rest[i]; !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return "", false
		}
	}
	return rest[:keyIDLen], true
}
