// Package account is the console's people: users with an email and a password (stored as an
// argon2id hash), a role per shop, logins that are rate limited and do not reveal whether an
// email is known, and sessions whose tokens the store keeps only hashed. API keys stay for
// machines (internal/tenant); this is for people in a browser.
package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"

	"lastmile/internal/ident"
	"lastmile/internal/model"
	"lastmile/internal/store"
)

// Params are the argon2id cost figures. The defaults follow OWASP's minimum for argon2id
// (19 MiB, 2 passes, 1 lane); tests use smaller ones.
type Params struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

// DefaultParams are the production argon2id costs.
var DefaultParams = Params{MemoryKiB: 19 * 1024, Time: 2, Threads: 1}

// Config tunes the Service; zero fields take their defaults.
type Config struct {
	Params Params
	// SessionTTL is how long a session lasts after login (default 12 h: a working day at the
	// packing bench).
	SessionTTL time.Duration
	// MaxFailures failed logins per email (and 4× per client address) within FailureWindow
	// lock further attempts until the window passes (defaults 5 and 15 min).
	MaxFailures   int
	FailureWindow time.Duration
}

func (c Config) withDefaults() Config {
	if c.Params.MemoryKiB == 0 {
		c.Params = DefaultParams
	}
	if c.SessionTTL <= 0 {
		c.SessionTTL = 12 * time.Hour
	}
	if c.MaxFailures <= 0 {
		c.MaxFailures = 5
	}
	if c.FailureWindow <= 0 {
		c.FailureWindow = 15 * time.Minute
	}
	return c
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// Errors of Login. ErrBadLogin is the same for an unknown email and a wrong password.
var (
	ErrBadLogin    = errors.New("the email or password is not right")
	ErrRateLimited = errors.New("too many failed logins; wait and try again")
)

// Service manages users and sessions.
type Service struct {
	st    store.Store
	cfg   Config
	now   func() time.Time
	log   *slog.Logger
	dummy string // a hash to verify against for unknown emails: the same work as a real check

	mu       sync.Mutex
	failures map[string][]time.Time // "email:…" or "addr:…" → recent failures
}

// NewService returns the account service over st.
func NewService(st store.Store, cfg Config, now func() time.Time, log *slog.Logger) *Service {
	s := &Service{st: st, cfg: cfg.withDefaults(), now: now, log: log, failures: map[string][]time.Time{}}
	s.dummy = s.hash("not a password of anyone's", make([]byte, 16))
	return s
}

// NormalizeEmail trims and lower-cases an email and checks its form.
func NormalizeEmail(email string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(email))
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || a.Name != "" {
		return "", &model.ValidationError{Problems: []model.FieldError{{Code: "invalid_value", Field: "email",
			Message: fmt.Sprintf("%q is not an email address; write it as name@example.com", email)}}}
	}
	return e, nil
}

// CreateUser makes the user with email and password and gives it role in shopID. If the email
// already has a user, it gets the role in this shop too (an operator may span several shops)
// and its password stays as it is; created says which happened.
func (s *Service) CreateUser(ctx context.Context, email, password, shopID string, role model.Role) (u model.User, created bool, err error) {
	email, err = NormalizeEmail(email)
	if err != nil {
		return u, false, err
	}
	if !role.Valid() {
		return u, false, &model.ValidationError{Problems: []model.FieldError{{Code: "invalid_value", Field: "role",
			Message: fmt.Sprintf("role %q is not one of owner, operator, viewer", role)}}}
	}
	if _, err := s.st.GetShop(ctx, shopID); err != nil {
		return u, false, fmt.Errorf("shop %s: %w", shopID, err)
	}
	if old, err := s.st.GetUserByEmail(ctx, email); err == nil {
		if err := s.st.ChangeShopRole(ctx, old.ID, shopID, role); err != nil { // the last owner kept
			return u, false, err
		}
		u, err = s.st.GetUser(ctx, old.ID)
		return u, false, err
	} else if !errors.Is(err, model.ErrNotFound) {
		return u, false, err
	}
	if len([]rune(password)) < MinPasswordLength {
		return u, false, &model.ValidationError{Problems: []model.FieldError{{Code: "too_short", Field: "password",
			Message: fmt.Sprintf("the password has %d characters; use at least %d", len([]rune(password)), MinPasswordLength)}}}
	}
	salt := make([]byte, 16)
	rand.Read(salt)
	now := s.now().UTC()
	u = model.User{ID: ident.New("usr", now), Email: email, PasswordHash: s.hash(password, salt), CreatedAt: now,
		Roles: map[string]model.Role{shopID: role}}
	if err := s.st.CreateUser(ctx, u); err != nil {
		return model.User{}, false, fmt.Errorf("create user %s: %w", email, err)
	}
	return u, true, nil
}

// hash is the PHC string of password's argon2id hash with salt.
func (s *Service) hash(password string, salt []byte) string {
	p := s.cfg.Params
	key := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// verify checks password against a PHC argon2id hash, with the hash's own costs.
func verify(password, phc string) bool {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 || m > 1<<21 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// Login checks email and password for a client at addr and opens a session: the token for the
// cookie (the store keeps its hash) and the session. An unknown email costs the same argon2id
// work as a wrong password and gives the same ErrBadLogin. After MaxFailures failures for the
// email (or 4× as many from addr) within FailureWindow, it answers ErrRateLimited without
// checking.
func (s *Service) Login(ctx context.Context, email, password, addr string) (string, model.Session, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if s.limited("email:"+email, s.cfg.MaxFailures) || s.limited("addr:"+addr, 4*s.cfg.MaxFailures) {
		return "", model.Session{}, ErrRateLimited
	}
	u, err := s.st.GetUserByEmail(ctx, email)
	hash := u.PasswordHash
	switch {
	case errors.Is(err, model.ErrNotFound) || errors.Is(err, model.ErrInvalid):
		hash = s.dummy
	case err != nil:
		return "", model.Session{}, err
	}
	if !verify(password, hash) || u.ID == "" {
		s.fail("email:"+email, "addr:"+addr)
		return "", model.Session{}, ErrBadLogin
	}
	token, se := newToken(), model.Session{UserID: u.ID, CSRF: newToken(), CreatedAt: s.now().UTC()}
	se.TokenHash, se.ExpiresAt = HashToken(token), se.CreatedAt.Add(s.cfg.SessionTTL)
	if err := s.st.CreateSession(ctx, se); err != nil {
		return "", model.Session{}, err
	}
	s.log.Info("console login", "user", u.ID)
	return token, se, nil
}

func (s *Service) limited(key string, max int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	cut := s.now().Add(-s.cfg.FailureWindow)
	recent := s.failures[key][:0]
	for _, t := range s.failures[key] {
		if t.After(cut) {
			recent = append(recent, t)
		}
	}
	if len(recent) == 0 {
		delete(s.failures, key)
	} else {
		s.failures[key] = recent
	}
	return len(recent) >= max
}

func (s *Service) fail(keys ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for _, k := range keys {
		s.failures[k] = append(s.failures[k], now)
	}
}

// Session returns the session of a cookie token and its user, else ErrNotFound.
func (s *Service) Session(ctx context.Context, token string) (model.Session, model.User, error) {
	if token == "" || len(token) > 100 {
		return model.Session{}, model.User{}, fmt.Errorf("session: %w", model.ErrNotFound)
	}
	se, err := s.st.GetSession(ctx, HashToken(token), s.now())
	if err != nil {
		return se, model.User{}, err
	}
	u, err := s.st.GetUser(ctx, se.UserID)
	return se, u, err
}

// SetLang stores the language chosen in the session.
func (s *Service) SetLang(ctx context.Context, se model.Session, lang string) error {
	return s.st.SetSessionLang(ctx, se.TokenHash, lang)
}

// SetUserLang stores the user's language preference.
func (s *Service) SetUserLang(ctx context.Context, userID, lang string) error {
	return s.st.SetUserLang(ctx, userID, lang)
}

// Logout ends the session of token.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.st.DeleteSession(ctx, HashToken(token))
}

// ShopUsers lists the users of a shop.
func (s *Service) ShopUsers(ctx context.Context, shopID string) ([]model.User, error) {
	return s.st.ListShopUsers(ctx, shopID)
}

// HashToken is what the store keeps of a session token: its SHA-256, hex.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// NewToken is 32 random bytes, base64url: a session token or a CSRF token.
func NewToken() string { return newToken() }

func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
