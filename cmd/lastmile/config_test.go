package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"lastmile/internal/config"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// `lastmile config print` writes every key; reading its output back prints the same bytes.
func TestConfigPrintRoundTrips(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	in := writeFile(t, dir, "lastmile.yaml", "markets:\n  GB:\n    ship_within: 36h\nshops:\n  shop_a: {promise_days: 4}\n")
	first, errOut, code := runCLI(t, "config", "print", "--config", in)
	if code != 0 {
		t.Fatalf("config print: exit %d: %s", code, errOut)
	}
	for _, want := range []string{"  GB:\n", "    ship_within: 36h # R-SHIP-1\n", "shop_a:\n    promise_days: 4", "  US:\n", "    ship_from_local_only: true # R-MODE-5\n"} {
		if !strings.Contains(first, want) {
			t.Errorf("config print lacks %q", want)
		}
	}
	printed := writeFile(t, dir, "printed.yaml", first)
	second, errOut, code := runCLI(t, "config", "print", "--config", printed)
	if code != 0 || second != first {
		t.Errorf("printing the printed configuration: exit %d %s\n%s", code, errOut, second)
	}
}

func TestConfigErrorsNameFileLineAndKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.yaml", "addr: :1\nmarkets:\n  GB:\n    ship_within: 4 8h\n    promise_dayz: 3\n")
	for _, args := range [][]string{{"config", "print", "--config", bad}, {"serve", "--config", bad}, {"demo", "--config", bad}} {
		_, errOut, code := runCLI(t, args...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
		for _, want := range []string{bad + `:4: markets.GB.ship_within: "4 8h" is not a duration; write e.g. 48h`,
			bad + ":5: markets.GB.promise_dayz: unknown key; did you mean promise_days?"} {
			if !strings.Contains(errOut, "lastmile "+args[0]) || !strings.Contains(errOut, want) {
				t.Errorf("%v: stderr lacks %q:\n%s", args, want, errOut)
			}
		}
	}
	if _, errOut, code := runCLI(t, "config", "print", "--config", filepath.Join(dir, "missing.yaml")); code != exitUsage || !strings.Contains(errOut, "missing.yaml") {
		t.Errorf("a missing file: exit %d %s", code, errOut)
	}
}

// Flags override the environment, which overrides the file, which overrides the defaults.
func TestConfigPrecedence(t *testing.T) {
	t.Parallel()
	file := writeFile(t, t.TempDir(), "lastmile.yaml", "db: sqlite:file.db\naddr: 127.0.0.1:1\nshutdown_timeout: 10s\nidempotency_ttl: 1h\n")
	env := map[string]string{"LASTMILE_ADDR": "127.0.0.1:2", "LASTMILE_SHUTDOWN_TIMEOUT": "20s"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	cfg, err := loadConfig(file, lookup, func(c *config.Config) { c.ShutdownTimeout = 30 * time.Second })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DB != "sqlite:file.db" || cfg.Addr != "127.0.0.1:2" || cfg.ShutdownTimeout != 30*time.Second ||
		cfg.IdempotencyTTL != time.Hour || cfg.MaxBatchOrders != 10_000 {
		t.Errorf("db %s (file), addr %s (env), shutdown %v (flag), idempotency_ttl %v (file), max_batch_orders %d (default)",
			cfg.DB, cfg.Addr, cfg.ShutdownTimeout, cfg.IdempotencyTTL, cfg.MaxBatchOrders)
	}
	if _, err := loadConfig(file, lookup, func(c *config.Config) { c.DB = "mysql://x" }); err == nil || !strings.Contains(err.Error(), "db:") {
		t.Errorf("a bad flag value: %v", err)
	}
}

func sellerCard(service, price string) string {
	return `carrier: acme-local
service: ` + service + `
effective_from: 2026-01-01
markets: [US]
certified: [US]
currency: USD
zones:
  - country: US
    transit_days: {min: 1, max: 2}
    brackets: [{max_g: 30000, price: ` + price + `}]
`
}

// serve refuses to start on a bad card, naming its file and line.
func TestServeRefusesABadCard(t *testing.T) {
	t.Parallel()
	cards := t.TempDir()
	writeFile(t, cards, "good.yaml", sellerCard("next-day", "1.00"))
	writeFile(t, cards, "bad.yaml", strings.Replace(sellerCard("economy", "1.00"), "price: 1.00", "price: -1", 1))
	db := "sqlite:" + filepath.Join(t.TempDir(), "x.db")
	_, errOut, code := runCLI(t, "serve", "--db", db, "--addr", "127.0.0.1:0", "--rate-cards", cards)
	if code == exitOK || !strings.Contains(errOut, filepath.Join(cards, "bad.yaml")+":10:") {
		t.Errorf("serve with a bad card: exit %d\n%s", code, errOut)
	}
}

// serve quotes with the configured cards and reloads them on SIGHUP.
func TestServeRateCardsAndSIGHUP(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cards := filepath.Join(dir, "cards")
	if err := os.Mkdir(cards, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, cards, "acme.yaml", sellerCard("next-day", "1.00"))
	db := "sqlite:" + filepath.Join(dir, "x.db")
	cfg := writeFile(t, dir, "lastmile.yaml", "rate_cards: "+cards+"\n")
	out, errOut, code := runCLI(t, "shop", "create", "--db", db, "--name", "Cards", "--market", "US")
	var sc shopCreated
	if code != 0 || json.Unmarshal([]byte(out), &sc) != nil {
		t.Fatalf("shop create: %d %s", code, errOut)
	}
	srv := startServe(t, db, "--config", cfg)
	quoted := func() string {
		body := `{"external_id":"R1","market":"US","currency":"USD","shipping_address":{"name":"Jane","line1":"1 Main St","city":"Austin","region":"TX","postal_code":"78701","country":"US"},"lines":[{"sku":"A","quantity":1,"weight_g":300,"unit_price":{"amount":1000,"currency":"USD"}}]}`
		req, _ := http.NewRequest("POST", "http://"+srv.addr+"/v1/rates", bytes.NewBufferString(body))
		req.Header.Set("Authorization", "Bearer "+sc.APIKey)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b struct {
			Quotes []struct{ Carrier, Service string }
		}
		json.NewDecoder(res.Body).Decode(&b)
		var names []string
		for _, q := range b.Quotes {
			names = append(names, q.Carrier+"/"+q.Service)
		}
		return strings.Join(names, ",")
	}
	if got := quoted(); got != "acme-local/next-day" {
		t.Fatalf("quoted with %q, want the configured card only", got)
	}
	writeFile(t, cards, "economy.yaml", sellerCard("economy", "0.50"))
	if err := srv.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for quoted() != "acme-local/economy,acme-local/next-day" {
		if time.Now().After(deadline) {
			t.Fatalf("after SIGHUP quoted with %q", quoted())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-srv.done; err != nil {
		t.Errorf("serve exited with %v", err)
	}
}

// The admin commands read the markets of $LASTMILE_CONFIG: a shop can be created in a market
// the file adds.
func TestAdminCommandsReadTheConfigMarkets(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := writeFile(t, dir, "lastmile.yaml", "markets:\n  NL: {currency: EUR, time_zone: Europe/Amsterdam}\nrate_cards: /nonexistent\n")
	db := "sqlite:" + filepath.Join(dir, "x.db")
	if _, _, code := runCLI(t, "shop", "create", "--db", db, "--name", "NL", "--market", "NL"); code == exitOK {
		t.Fatal("a market no configuration names was accepted")
	}
	cmd := exec.Command(binary(t), "shop", "create", "--db", db, "--name", "NL", "--market", "NL")
	cmd.Env = append(os.Environ(), "LASTMILE_CONFIG="+cfg)
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), `"shop_id"`) {
		t.Errorf("shop create in NL with LASTMILE_CONFIG: %v\n%s", err, out)
	}
}
