package account

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var fast = Config{Params: Params{MemoryKiB: 64, Time: 1, Threads: 1}}

func setup(t *testing.T, st store.Store) (*Service, *testClock, []string) {
	t.Helper()
	c := &testClock{t: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}
	var ids []string
	for _, id := range []string{"shop_a", "shop_b"} {
		if err := st.CreateShop(context.Background(), model.Shop{ID: id, Name: id, Market: "US", TimeZone: "UTC", CreatedAt: c.t}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return NewService(st, fast, c.now, slog.New(slog.DiscardHandler)), c, ids
}

// TestUsersAndSessions: a user is created with an argon2id hash, spans two shops, logs in,
// finds the session by its token (the store holds only the token's hash), and logs out; on
// both stores.
func TestUsersAndSessions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st store.Store) {
		s, c, shops := setup(t, st)
		ctx := context.Background()
		u, created, err := s.CreateUser(ctx, " Owner@Example.com ", "correct horse battery", shops[0], model.RoleOwner)
		if err != nil || !created || u.Email != "owner@example.com" || !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$") {
			t.Fatalf("create: %+v %v %v", u, created, err)
		}
		if strings.Contains(u.PasswordHash, "correct horse") {
			t.Fatal("the password is stored")
		}
		u2, created, err := s.CreateUser(ctx, "owner@example.com", "", shops[1], model.RoleOperator)
		if err != nil || created || u2.ID != u.ID || u2.Roles[shops[1]] != model.RoleOperator || u2.Roles[shops[0]] != model.RoleOwner {
			t.Fatalf("second shop: %+v %v %v", u2, created, err)
		}
		if _, _, err := s.CreateUser(ctx, "new@example.com", "short", shops[0], model.RoleViewer); err == nil {
			t.Error("a short password was accepted")
		}
		if _, _, err := s.CreateUser(ctx, "not an email", "long enough password", shops[0], model.RoleViewer); err == nil {
			t.Error("a bad email was accepted")
		}
		if _, _, err := s.CreateUser(ctx, "x@example.com", "long enough password", shops[0], "admin"); err == nil {
			t.Error("an unknown role was accepted")
		}
		token, se, err := s.Login(ctx, "OWNER@example.com", "correct horse battery", "10.0.0.1")
		if err != nil || token == "" || se.TokenHash != HashToken(token) || se.CSRF == "" {
			t.Fatalf("login: %q %+v %v", token, se, err)
		}
		got, gu, err := s.Session(ctx, token)
		if err != nil || got.UserID != u.ID || gu.Email != u.Email {
			t.Fatalf("session: %+v %+v %v", got, gu, err)
		}
		if _, _, err := s.Session(ctx, se.TokenHash); err == nil {
			t.Error("the stored hash works as a token")
		}
		c.add(13 * time.Hour)
		if _, _, err := s.Session(ctx, token); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("an expired session: %v", err)
		}
		token, _, _ = s.Login(ctx, "owner@example.com", "correct horse battery", "10.0.0.1")
		if err := s.Logout(ctx, token); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Session(ctx, token); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("after logout: %v", err)
		}
	})
}

// TestLoginNoEnumerationAndRateLimit: an unknown email and a wrong password give the same
// error; five failures lock the email for the window, even for the right password, and the
// lock lifts after it.
func TestLoginNoEnumerationAndRateLimit(t *testing.T) {
	t.Parallel()
	s, c, shops := setup(t, storetest.OpenSQLite(t))
	ctx := context.Background()
	if _, _, err := s.CreateUser(ctx, "a@example.com", "correct horse battery", shops[0], model.RoleOwner); err != nil {
		t.Fatal(err)
	}
	_, _, e1 := s.Login(ctx, "nobody@example.com", "correct horse battery", "1.1.1.1")
	_, _, e2 := s.Login(ctx, "a@example.com", "wrong password!!", "1.1.1.2")
	if e1 != ErrBadLogin || e2 != ErrBadLogin {
		t.Fatalf("unknown email %v, wrong password %v: want the same ErrBadLogin", e1, e2)
	}
	for range 4 {
		s.Login(ctx, "a@example.com", "wrong password!!", "1.1.1.2")
	}
	if _, _, err := s.Login(ctx, "a@example.com", "correct horse battery", "1.1.1.3"); err != ErrRateLimited {
		t.Fatalf("after 5 failures: %v, want ErrRateLimited", err)
	}
	c.add(16 * time.Minute)
	if _, _, err := s.Login(ctx, "a@example.com", "correct horse battery", "1.1.1.3"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

func TestVerifyRefusesMalformedHashes(t *testing.T) {
	for _, h := range []string{"", "$argon2id$", "$argon2i$v=19$m=64,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=0,t=1,p=1$AAAA$AAAA",
		"$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=64,t=1,p=1$!!$AAAA"} {
		if verify("x", h) {
			t.Errorf("verify accepted %q", h)
		}
	}
}

func BenchmarkLoginHash(b *testing.B) {
	s := &Service{cfg: Config{}.withDefaults()}
	salt := make([]byte, 16)
	for b.Loop() {
		s.hash("correct horse battery", salt)
	}
}
