package sim

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestBackgroundLoop: with a real clock and a tick, the sim creates orders by itself.
func TestBackgroundLoop(t *testing.T) {
	t.Parallel()
	s, err := Start(context.Background(), Options{OrderRate: 200, Tick: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for deadline := time.Now().Add(10 * time.Second); s.Stats().Orders < 5; {
		if time.Now().After(deadline) {
			t.Fatal("no orders from the background loop")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	n := s.Stats().Orders
	time.Sleep(30 * time.Millisecond)
	if s.Stats().Orders != n {
		t.Fatal("orders created after Close")
	}
}

func TestOptionsRefused(t *testing.T) {
	t.Parallel()
	cases := []struct {
		opts Options
		want string
	}{
		{Options{WebhookDrop: 1.5}, "webhook drop rate 1.5"},
		{Options{OrderRate: -1}, "order rate -1"},
		{Options{PeakFactor: 0.5}, "peak factor 0.5"},
		{Options{WebhookURL: "ftp://x"}, "webhook URL"},
		{Options{Shops: []Shop{}}, "no shops"},
		{Options{Shops: []Shop{{ID: "1", Market: "ZZ"}}}, "market \"ZZ\""},
		{Options{Shops: []Shop{{ID: "1", Market: "US"}, {ID: "1", Market: "GB"}}}, "id 1 twice"},
		{Options{Shops: []Shop{{ID: "1", Market: "US", ShippingType: "FBT"}}}, "shipping type \"FBT\""},
		{Options{AccessTokenTTL: -time.Second}, "access token TTL"},
	}
	for _, c := range cases {
		_, err := Start(context.Background(), c.opts)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.opts, err, c.want)
		}
	}
}

// FuzzPageToken: the sim reads page tokens from its callers. Property: parsing never panics,
// and a token the sim writes reads back as what it wrote.
func FuzzPageToken(f *testing.F) {
	f.Add(int64(1718305585), "576461413038785752", "")
	f.Add(int64(-1), "a.b", "MTcx")
	f.Add(int64(0), "", "!!")
	f.Fuzz(func(t *testing.T, k int64, id, raw string) {
		_, _, _ = parsePageToken(raw)
		if id == "" {
			return
		}
		k2, id2, ok := parsePageToken(pageToken(k, id))
		if !ok || k2 != k || id2 != id {
			t.Fatalf("token of (%d, %q) reads (%d, %q, %v)", k, id, k2, id2, ok)
		}
	})
}
