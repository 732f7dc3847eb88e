package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"lastmile/internal/app"
	"lastmile/internal/store"
	"lastmile/internal/store/postgres"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds cmd/lastmile once per test run: these tests run the real program.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "lastmile-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "lastmile")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// databases are the --db values the CLI tests run against.
func databases(t *testing.T) map[string]string {
	out := map[string]string{"sqlite": "sqlite:" + filepath.Join(t.TempDir(), "cli.db")}
	base := os.Getenv("LASTMILE_TEST_POSTGRES")
	if base == "" && os.Getenv("CI") != "" {
		t.Fatal("LASTMILE_TEST_POSTGRES is not set in CI")
	}
	if base != "" {
		url, drop, err := postgres.NewSchema(context.Background(), base)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(drop)
		out["postgres"] = url
	}
	return out
}

func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

func TestHelpAndUnknownCommand(t *testing.T) {
	t.Parallel()
	out, _, code := runCLI(t, "help")
	if code != 0 {
		t.Fatalf("help exit %d", code)
	}
	for _, c := range []string{"serve", "migrate", "demo", "shop create", "key create", "key revoke", "version",
		"address check", "trackno check"} {
		if !strings.Contains(out, "  "+c+" ") {
			t.Errorf("help does not list %q:\n%s", c, out)
		}
	}
	if _, errOut, code := runCLI(t, "frobnicate"); code != exitUsage || !strings.Contains(errOut, "unknown command") {
		t.Fatalf("unknown command: exit %d, %q", code, errOut)
	}
	if _, _, code := runCLI(t, "serve", "--no-such-flag"); code != exitUsage {
		t.Fatalf("bad flag: exit %d", code)
	}
	if out, _, code := runCLI(t, "version"); code != 0 || !strings.HasPrefix(out, "lastmile ") {
		t.Fatalf("version: %d %q", code, out)
	}
}

type shopCreated struct {
	ShopID string `json:"shop_id"`
	APIKey string `json:"api_key"`
	KeyID  string `json:"key_id"`
}

func TestShopAndKeyCommands(t *testing.T) {
	t.Parallel()
	for name, db := range databases(t) {
		t.Run(name, func(t *testing.T) {
			out, errOut, code := runCLI(t, "shop", "create", "--db", db, "--name", "Shenzhen Seller Ltd", "--market", "US")
			var sc shopCreated
			if code != 0 || json.Unmarshal([]byte(out), &sc) != nil || !strings.HasPrefix(sc.ShopID, "shop_") || !strings.HasPrefix(sc.APIKey, "lm_") {
				t.Fatalf("shop create: exit %d\n%s\n%s", code, out, errOut)
			}
			if strings.Count(strings.TrimSpace(out), "\n") != 0 {
				t.Fatalf("shop create printed more than one JSON object: %q", out)
			}
			out, errOut, code = runCLI(t, "key", "create", "--db", db, "--shop", sc.ShopID, "--name", "ERP sync")
			var kc shopCreated
			if code != 0 || json.Unmarshal([]byte(out), &kc) != nil || kc.APIKey == sc.APIKey {
				t.Fatalf("key create: exit %d\n%s\n%s", code, out, errOut)
			}
			if _, errOut, code := runCLI(t, "key", "create", "--db", db, "--shop", "shop_nope"); code != exitFail || !strings.Contains(errOut, "not found") {
				t.Fatalf("key for a missing shop: exit %d %q", code, errOut)
			}
			if _, errOut, code := runCLI(t, "shop", "create", "--db", db, "--name", "X", "--market", "ZZ"); code != exitFail || !strings.Contains(errOut, "market") {
				t.Fatalf("unknown market: exit %d %q", code, errOut)
			}
			if _, _, code := runCLI(t, "key", "revoke", "--db", db, "--key-id", kc.KeyID); code != 0 {
				t.Fatalf("key revoke: exit %d", code)
			}
			if _, _, code := runCLI(t, "migrate", "--db", db); code != 0 {
				t.Fatalf("migrate on a migrated store: exit %d", code)
			}
		})
	}
}

// server is a running `lastmile serve`.
type server struct {
	cmd  *exec.Cmd
	addr string
	logs *bytes.Buffer
	done chan error
}

var servingRe = regexp.MustCompile(`msg="lastmile serving" addr=(\S+)`)

func startServe(t *testing.T, db string, extra ...string) *server {
	t.Helper()
	return startServeEnv(t, nil, db, extra...)
}

// startServeEnv is startServe with env added to the server's environment.
func startServeEnv(t *testing.T, env []string, db string, extra ...string) *server {
	t.Helper()
	cmd := exec.Command(binary(t), append([]string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--shutdown-timeout", "20s"}, extra...)...)
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, logs: &bytes.Buffer{}, done: make(chan error, 1)}
	addrc := make(chan string, 1)
	var mu sync.Mutex
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			mu.Lock()
			s.logs.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if m := servingRe.FindStringSubmatch(sc.Text()); m != nil {
				addrc <- m[1]
			}
		}
		s.done <- cmd.Wait()
	}()
	t.Cleanup(func() { cmd.Process.Kill() })
	select {
	case s.addr = <-addrc:
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not start:\n%s", s.logs)
	}
	return s
}

// TestServeDrainsOnSIGTERM sends orders from several clients, stops the server with SIGTERM in
// the middle, and checks that it exits 0 and that every order it acknowledged is stored.
func TestServeDrainsOnSIGTERM(t *testing.T) {
	t.Parallel()
	for name, db := range databases(t) {
		t.Run(name, func(t *testing.T) {
			out, errOut, code := runCLI(t, "shop", "create", "--db", db, "--name", "Drain", "--market", "US")
			var sc shopCreated
			if code != 0 || json.Unmarshal([]byte(out), &sc) != nil {
				t.Fatalf("shop create: %d %s %s", code, out, errOut)
			}
			srv := startServe(t, db)

			var mu sync.Mutex
			acked := map[string]bool{}
			var wg sync.WaitGroup
			stop := make(chan struct{})
			for c := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					client := &http.Client{Timeout: 30 * time.Second}
					for b := 0; ; b++ {
						select {
						case <-stop:
							return
						default:
						}
						ids, err := postBatch(client, srv.addr, sc.APIKey, fmt.Sprintf("c%d-b%04d", c, b), 50)
						if err != nil {
							return // the server has stopped accepting: expected after SIGTERM
						}
						mu.Lock()
						for _, id := range ids {
							acked[id] = true
						}
						mu.Unlock()
					}
				}()
			}
			time.Sleep(700 * time.Millisecond)
			if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-srv.done:
				if err != nil {
					t.Fatalf("serve exited with %v after SIGTERM:\n%s", err, srv.logs)
				}
			case <-time.After(60 * time.Second):
				t.Fatal("serve did not exit after SIGTERM")
			}
			close(stop)
			wg.Wait()
			if len(acked) == 0 {
				t.Fatal("no order was acknowledged before SIGTERM; the test proved nothing")
			}

			st, err := app.OpenStore(context.Background(), db, false, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			stored := map[string]bool{}
			var after *store.Cursor
			for {
				page, err := st.ListOrders(context.Background(), store.OrderQuery{ShopIDs: []string{sc.ShopID}, After: after, Limit: 1000})
				if err != nil {
					t.Fatal(err)
				}
				if len(page) == 0 {
					break
				}
				for _, o := range page {
					stored[o.ExternalID] = true
				}
				last := page[len(page)-1]
				after = &store.Cursor{ModifiedAt: last.ModifiedAt, ID: last.ID}
			}
			for id := range acked {
				if !stored[id] {
					t.Errorf("acknowledged order %s was lost in the shutdown", id)
				}
			}
			t.Logf("%d orders acknowledged before and during shutdown, all stored", len(acked))
		})
	}
}

// postBatch posts n orders and returns the external ids the server acknowledged as stored.
func postBatch(client *http.Client, addr, key, prefix string, n int) ([]string, error) {
	orders := make([]map[string]any, n)
	for i := range orders {
		orders[i] = map[string]any{
			"external_id": fmt.Sprintf("%s-%03d", prefix, i), "market": "US", "currency": "USD", "status": "AWAITING_SHIPMENT",
			"created_at": "2026-11-20T10:00:00Z", "paid_at": "2026-11-20T10:01:00Z",
			"shipping_address": map[string]any{"name": "Jane Doe", "line1": "1 Main St", "city": "Austin", "region": "TX", "postal_code": "78701", "country": "US",
				"phone": "+15125550100"},
			// Orders that pass the checks (R-ORD-6): a held order is neither confirmed nor allocated.
			"lines": []any{map[string]any{"sku": "SKU-1", "quantity": 1, "unit_price": map[string]any{"amount": 999, "currency": "USD"},
				"weight_g": 300, "length_mm": 100, "width_mm": 100, "height_mm": 100, "declared_name": "Ceramic mug"}},
		}
	}
	body, _ := json.Marshal(map[string]any{"orders": orders})
	req, _ := http.NewRequest("POST", "http://"+addr+"/v1/orders:batch", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err // a response cut short is not an acknowledgement
	}
	if res.StatusCode != 200 {
		return nil, fmt.Errorf("status %d: %s", res.StatusCode, b)
	}
	var out struct {
		Results []struct {
			Index int
			ID    string
		}
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	var ids []string
	for _, r := range out.Results {
		if r.ID != "" {
			ids = append(ids, orders[r.Index]["external_id"].(string))
		}
	}
	return ids, nil
}
