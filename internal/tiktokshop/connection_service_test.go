package tiktokshop

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/marketplace/tiktok/sim"
	"lastmile/internal/model"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

func TestSealerRoundTripAndRefusals(t *testing.T) {
	s, err := NewSealer("first key 0123456789")
	if err != nil {
		t.Fatal(err)
	}
	tok := tiktok.Token{AccessToken: "TTP_access_secret", RefreshToken: "TTP_refresh_secret", AccessTokenExpireIn: 1700000000}
	sealed, err := s.Seal("7001", tok)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("TTP_")) {
		t.Fatal("the sealed tokens hold the token in clear")
	}
	got, err := s.Open("7001", sealed)
	if err != nil || got.AccessToken != tok.AccessToken || got.RefreshToken != tok.RefreshToken {
		t.Fatalf("open: %+v, %v", got, err)
	}
	if _, err := s.Open("7002", sealed); err == nil {
		t.Error("tokens sealed for one shop opened for another")
	}
	other, _ := NewSealer("second key 0123456789")
	if _, err := other.Open("7001", sealed); err == nil {
		t.Error("tokens opened under another key")
	}
	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	if _, err := s.Open("7001", tampered); err == nil {
		t.Error("altered tokens opened")
	}
	if _, err := NewSealer("short"); err == nil {
		t.Error("a short key was accepted")
	}
}

func TestConnectStoresSealedTokensPerShop(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, sim.Options{})
		ctx := context.Background()
		us := e.connect("shop_us", "")
		if us.ExternalShopID != simUS || us.ShopCipher == "" || us.Status != model.ConnectionConnected || us.Region != "US" {
			t.Fatalf("connection %+v: want the sim's US shop, connected, with its cipher", us)
		}
		if !us.AccessExpiresAt.Equal(e.clock.Now().Add(sim.DefaultAccessTokenTTL)) {
			t.Errorf("access expires at %v, want %v", us.AccessExpiresAt, e.clock.Now().Add(sim.DefaultAccessTokenTTL))
		}
		if bytes.Contains(us.SealedTokens, []byte("TTP_")) || len(us.SealedTokens) == 0 {
			t.Errorf("stored tokens are not sealed: %q", us.SealedTokens)
		}
		// One seller's authorisation covers its US and GB shops: each lastmile shop picks its
		// market's.
		gb := e.connect("shop_gb", "")
		if gb.ExternalShopID != simGB || gb.ID == us.ID {
			t.Fatalf("GB connection %+v", gb)
		}
		list, err := e.svc.Connections(ctx, model.Scope{ShopIDs: []string{"shop_us"}})
		if err != nil || len(list) != 1 || list[0].ID != us.ID {
			t.Fatalf("connections of shop_us: %+v, %v", list, err)
		}
		if _, err := e.svc.Connection(ctx, model.Scope{ShopIDs: []string{"shop_gb"}}, us.ID); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("shop_gb reading shop_us's connection: %v, want ErrNotFound", err)
		}
		// Connecting again keeps the id.
		again := e.connect("shop_us", "")
		if again.ID != us.ID {
			t.Errorf("reconnect made connection %s, want %s", again.ID, us.ID)
		}
		// Refusals: a used or unknown code, a shop outside the scope, no code.
		var ve *model.ValidationError
		if _, err := e.svc.Connect(ctx, allShops, ConnectRequest{AuthCode: "sim_ac_unknown", ShopID: "shop_us"}); !errors.As(err, &ve) || ve.Problems[0].Field != "auth_code" {
			t.Errorf("unknown code: %v, want a validation error on auth_code", err)
		}
		code, _ := e.sim.Authorize(simUS)
		if _, err := e.svc.Connect(ctx, model.Scope{ShopIDs: []string{"shop_gb"}}, ConnectRequest{AuthCode: code, ShopID: "shop_us"}); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("a shop outside the scope: %v, want ErrNotFound", err)
		}
		if _, err := e.svc.Connect(ctx, allShops, ConnectRequest{ShopID: "shop_us"}); !errors.As(err, &ve) || ve.Problems[0].Field != "auth_code" {
			t.Errorf("no code: %v", err)
		}
		if _, err := e.svc.Connect(ctx, allShops, ConnectRequest{AuthCode: code, ShopID: "shop_us", TikTokShopID: "999"}); !errors.As(err, &ve) || ve.Problems[0].Field != "tiktok_shop_id" {
			t.Errorf("a shop the seller did not authorise: %v", err)
		}
	})
}

func TestTokenSweepRefreshesAheadAndWarns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, sim.Options{AccessTokenTTL: 48 * time.Hour, RefreshTokenTTL: 40 * 24 * time.Hour})
		ctx := context.Background()
		c := e.connect("shop_us", "")
		// 47 h later the token expires within RefreshAhead (24 h): the sweep refreshes it.
		if err := e.svc.SweepTokens(ctx); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.GetConnection(ctx, nil, c.ID); !bytes.Equal(got.SealedTokens, c.SealedTokens) {
			t.Fatal("a token 48 h from expiry was refreshed")
		}
		e.clock.Advance(30 * time.Hour)
		if err := e.svc.SweepTokens(ctx); err != nil {
			t.Fatal(err)
		}
		got, _ := st.GetConnection(ctx, nil, c.ID)
		if !got.AccessExpiresAt.Equal(e.clock.Now().Add(48 * time.Hour)) {
			t.Fatalf("after the sweep the access token expires at %v, want %v", got.AccessExpiresAt, e.clock.Now().Add(48*time.Hour))
		}
		// The refresh token ends 40 days after connecting: within 30 days of it, a warning.
		if got.StatusReason != "" {
			t.Fatalf("a warning %q 38 days ahead of the end", got.StatusReason)
		}
		e.clock.Advance(10 * 24 * time.Hour)
		if err := e.svc.SweepTokens(ctx); err != nil {
			t.Fatal(err)
		}
		got, _ = st.GetConnection(ctx, nil, c.ID)
		if got.Status != model.ConnectionConnected || got.StatusReason == "" {
			t.Fatalf("no warning within 30 days of the authorisation's end: %+v", got)
		}
		// Past the refresh token's end the refresh is refused: the shop needs the seller again.
		e.clock.Advance(40 * 24 * time.Hour)
		_ = e.svc.SweepTokens(ctx)
		got, _ = st.GetConnection(ctx, nil, c.ID)
		if got.Status != model.ConnectionNeedsReauth {
			t.Fatalf("status %q after the refresh token ended, want needs_reauth", got.Status)
		}
	})
}
