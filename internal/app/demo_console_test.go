package app

import (
	"context"
	"log/slog"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"lastmile/internal/config"
)

// TestDemoPrintsAConsoleLogin: the demo prints the console's address and a login that works,
// and reuses its user, warehouse and stock on a second run.
func TestDemoPrintsAConsoleLogin(t *testing.T) {
	t.Parallel()
	db := "sqlite:" + filepath.Join(t.TempDir(), "demo.db")
	for run := range 2 {
		ctx, cancel := context.WithCancel(context.Background())
		a, err := New(ctx, config.Config{DB: db, Addr: "127.0.0.1:0", CarrierNetwork: "sim"}, true, slog.New(slog.DiscardHandler), time.Now)
		if err != nil {
			t.Fatal(err)
		}
		var out syncBuffer
		done := make(chan error, 1)
		go func() { done <- a.RunDemo(ctx, DemoOptions{Interval: time.Hour, Seed: 1, Out: &out}) }()
		re := regexp.MustCompile(`Console \(in a browser; English or 中文\): (http://\S+)/\n  email (\S+), password (\S+) `)
		var m []string
		for deadline := time.Now().Add(20 * time.Second); m == nil && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			m = re.FindStringSubmatch(out.String())
		}
		if m == nil {
			t.Fatalf("run %d: no console login printed:\n%s", run, out.String())
		}
		if _, se, err := a.Accounts.Login(ctx, m[2], m[3], "127.0.0.1"); err != nil || se.UserID == "" {
			t.Fatalf("run %d: the printed login does not work: %v", run, err)
		}
		res, err := http.Get(m[1] + "/login")
		if err != nil || res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("run %d: the console at %s: %v %v", run, m[1], err, res)
		}
		res.Body.Close()
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		a.Close()
	}
}
