package storetest

import (
	"context"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// testConsole: users with roles per shop (an operator spanning two shops), unique emails,
// sessions found by their token hash until they expire, languages stored.
func testConsole(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b := mustShop(t, s, "Console A"), mustShop(t, s, "Console B")
	u := model.User{ID: "usr_1", Email: "ops@example.com", PasswordHash: "$argon2id$x", CreatedAt: t0,
		Roles: map[string]model.Role{a.ID: model.RoleOperator, b.ID: model.RoleViewer}}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	dup := u
	dup.ID, dup.Roles = "usr_2", nil
	wantErr(t, s.CreateUser(ctx, dup), model.ErrConflict, "a second user with the same email")
	bad := model.User{ID: "usr_3", Email: "x@example.com", CreatedAt: t0, Roles: map[string]model.Role{"shop_missing": model.RoleOwner}}
	wantErr(t, s.CreateUser(ctx, bad), model.ErrNotFound, "a user with a role in a missing shop")
	if _, err := s.GetUserByEmail(ctx, "x@example.com"); err == nil {
		t.Fatal("the refused user was stored")
	}

	got, err := s.GetUserByEmail(ctx, "ops@example.com")
	if err != nil || got.ID != "usr_1" || got.PasswordHash != u.PasswordHash || !got.CreatedAt.Equal(t0) ||
		len(got.Roles) != 2 || got.Roles[a.ID] != model.RoleOperator || got.Roles[b.ID] != model.RoleViewer {
		t.Fatalf("by email: %+v %v", got, err)
	}
	if err := s.SetUserRole(ctx, "usr_1", b.ID, model.RoleOwner); err != nil {
		t.Fatal(err)
	}
	wantErr(t, s.SetUserRole(ctx, "usr_missing", b.ID, model.RoleOwner), model.ErrNotFound, "role of a missing user")
	if err := s.SetUserLang(ctx, "usr_1", "zh-CN"); err != nil {
		t.Fatal(err)
	}
	if got, err = s.GetUser(ctx, "usr_1"); err != nil || got.Roles[b.ID] != model.RoleOwner || got.Lang != "zh-CN" {
		t.Fatalf("by id: %+v %v", got, err)
	}
	_, err = s.GetUser(ctx, "usr_missing")
	wantErr(t, err, model.ErrNotFound, "missing user")
	list, err := s.ListShopUsers(ctx, b.ID)
	if err != nil || len(list) != 1 || list[0].Roles[b.ID] != model.RoleOwner || list[0].PasswordHash != "" {
		t.Fatalf("shop users: %+v %v", list, err)
	}

	se := model.Session{TokenHash: "h1", UserID: "usr_1", CSRF: "c1", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	if err := s.CreateSession(ctx, se); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSessionLang(ctx, "h1", "zh-CN"); err != nil {
		t.Fatal(err)
	}
	gs, err := s.GetSession(ctx, "h1", t0.Add(59*time.Minute))
	if err != nil || gs.UserID != "usr_1" || gs.CSRF != "c1" || gs.Lang != "zh-CN" || !gs.ExpiresAt.Equal(se.ExpiresAt) {
		t.Fatalf("session: %+v %v", gs, err)
	}
	_, err = s.GetSession(ctx, "h1", t0.Add(time.Hour))
	wantErr(t, err, model.ErrNotFound, "an expired session")
	_, err = s.GetSession(ctx, "nope", t0)
	wantErr(t, err, model.ErrNotFound, "an unknown session")
	if n, err := s.DeleteExpiredSessions(ctx, t0.Add(2*time.Hour)); err != nil || n != 1 {
		t.Fatalf("expired sessions deleted: %d %v", n, err)
	}
	if err := s.CreateSession(ctx, model.Session{TokenHash: "h2", UserID: "usr_1", CSRF: "c2", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSession(ctx, "h2"); err != nil {
		t.Fatal(err)
	}
	_, err = s.GetSession(ctx, "h2", t0)
	wantErr(t, err, model.ErrNotFound, "a session logged out")
}
