package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"lastmile/internal/model"
)

// shipShop is a shop on a running server with a warehouse holding stock of SKU-1.
type shipShop struct {
	key    string
	client *http.Client
	base   string
}

// newShipShop creates a US shop in db (with the CLI) and, on the server at addr, a warehouse
// with on_hand units of SKU-1.
func newShipShop(t *testing.T, db, addr string, onHand int) *shipShop {
	t.Helper()
	out, errOut, code := runCLI(t, "shop", "create", "--db", db, "--name", "Ship Test", "--market", "US")
	var sc shopCreated
	if code != 0 || json.Unmarshal([]byte(out), &sc) != nil {
		t.Fatalf("shop create: %d %s %s", code, out, errOut)
	}
	s := &shipShop{key: sc.APIKey, client: &http.Client{Timeout: 30 * time.Second}, base: "http://" + addr}
	wa := map[string]any{"name": "LA Fulfilment", "line1": "1 Warehouse Way", "city": "Los Angeles", "region": "CA",
		"postal_code": "90001", "country": "US", "phone": "+13105550100"}
	var wh model.Warehouse
	if st := call(t, s.client, "POST", s.base+"/v1/warehouses", s.key, map[string]any{"code": "LAX1", "name": "Los Angeles",
		"type": "overseas", "address": wa, "ship_from": wa, "return_address": wa, "time_zone": "America/Los_Angeles"}, &wh); st != http.StatusCreated {
		t.Fatalf("create warehouse: %d", st)
	}
	if st := call(t, s.client, "PUT", s.base+"/v1/warehouses/"+wh.ID+"/stock/SKU-1", s.key,
		map[string]any{"on_hand": onHand, "reason": "count"}, nil); st != http.StatusOK {
		t.Fatalf("set stock: %d", st)
	}
	return s
}

// orders stores n orders of one SKU-1 each (external ids prefix-000…) and confirms them when
// confirm is set; it returns their ids in order.
func (s *shipShop) orders(t *testing.T, prefix, sku string, n int, confirm bool) []string {
	t.Helper()
	paid := time.Now().UTC().Add(-time.Hour).Format(time.RFC3339)
	var ids []string
	for start := 0; start < n; start += 500 {
		batch := make([]map[string]any, 0, 500)
		for i := start; i < n && i < start+500; i++ {
			batch = append(batch, map[string]any{
				"external_id": fmt.Sprintf("%s-%04d", prefix, i), "market": "US", "currency": "USD", "status": "AWAITING_SHIPMENT",
				"created_at": paid, "paid_at": paid,
				"shipping_address": map[string]any{"name": "Jane Doe", "line1": "1 Main St", "city": "Austin", "region": "TX",
					"postal_code": "78701", "country": "US", "phone": "+15125550100"},
				"lines": []any{map[string]any{"sku": sku, "name": "Ceramic mug", "quantity": 1, "unit_price": map[string]any{"amount": 999, "currency": "USD"},
					"weight_g": 300, "length_mm": 100, "width_mm": 100, "height_mm": 100, "declared_name": "Ceramic mug"}},
			})
		}
		var res struct {
			Results []struct {
				ID    string
				Error any
			}
		}
		if st := call(t, s.client, "POST", s.base+"/v1/orders:batch", s.key, map[string]any{"orders": batch}, &res); st != http.StatusOK {
			t.Fatalf("store orders: %d", st)
		}
		for _, r := range res.Results {
			if r.ID == "" {
				t.Fatalf("order refused: %v", r.Error)
			}
			ids = append(ids, r.ID)
		}
	}
	if confirm {
		for _, id := range ids {
			if st := call(t, s.client, "POST", s.base+"/v1/orders/"+id+"/confirm", s.key, nil, nil); st != http.StatusOK {
				t.Fatalf("confirm %s: %d", id, st)
			}
		}
	}
	return ids
}

// runShipCLI runs the built binary's ship command with the server and key in the environment.
func runShipCLI(t *testing.T, s *shipShop, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary(t), append([]string{"ship"}, args...)...)
	cmd.Env = append(os.Environ(), "LASTMILE_URL="+s.base, "LASTMILE_KEY="+s.key)
	cmd.Stdin = strings.NewReader(stdin)
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

// shipLines maps each order id of a ship summary to its line.
func shipLines(out string) map[string]string {
	lines := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) >= 2 && (f[0] == "shipped" || f[0] == "failed" || f[0] == "skipped") {
			lines[f[1]] = l
		}
	}
	return lines
}

// TestShipCLI ships orders by id and with --ready through a real `lastmile serve` on loopback
// with the in-process carrier sim, on each store: the per-order summary names the carrier and
// tracking number of a shipped order, the reason and fix of a failed one, why one was skipped;
// the exit code says whether any failed.
func TestShipCLI(t *testing.T) {
	t.Parallel()
	for name, db := range databases(t) {
		t.Run(name, func(t *testing.T) {
			srv := startServe(t, db, "--carriers", "sim")
			s := newShipShop(t, db, srv.addr, 100)
			ok := s.orders(t, "ok", "SKU-1", 3, true)
			short := s.orders(t, "short", "SKU-NONE", 1, true)   // no stock anywhere
			unconfirmed := s.orders(t, "new", "SKU-1", 1, false) // R-ORD-3

			// By id: 2 ship, 1 cannot be allocated, 1 is not confirmed; the progress bar is drawn.
			args := []string{ok[0], ok[1], short[0], "--policy", "cheapest", unconfirmed[0], "--progress", "always", "--poll", "100ms"}
			out, errOut, code := runShipCLI(t, s, "", args...)
			if code != exitFail {
				t.Fatalf("ship with failures: exit %d, want %d\n%s\n%s", code, exitFail, out, errOut)
			}
			lines := shipLines(out)
			for _, id := range ok[:2] {
				f := strings.Fields(lines[id])
				// shipped ORDER CARRIER SERVICE TRACKING
				if len(f) != 5 || f[0] != "shipped" || f[2] == "" || len(f[4]) < 8 {
					t.Fatalf("shipped line of %s: %q\n%s", id, lines[id], out)
				}
			}
			if l := lines[short[0]]; !strings.HasPrefix(l, "failed") || !strings.Contains(l, "SKU-NONE") {
				t.Fatalf("the unallocatable order's line names neither the failure nor the SKU: %q\n%s", l, out)
			}
			if l := lines[unconfirmed[0]]; !strings.HasPrefix(l, "failed") || !strings.Contains(l, "confirm") {
				t.Fatalf("the unconfirmed order's line does not say to confirm it: %q\n%s", l, out)
			}
			if !strings.Contains(out, "2 shipped, 2 failed, 0 skipped of 4 orders") {
				t.Fatalf("totals: %s", out)
			}
			if !strings.Contains(errOut, "shipping") || !strings.Contains(errOut, "4/4") {
				t.Fatalf("no progress bar on stderr: %q", errOut)
			}

			// --ready ships what is left and ready (ok[2]); the failed ones are not ready or
			// still unallocatable. A shipped order given by id again is skipped.
			out, errOut, code = runShipCLI(t, s, "", "--ready", "--policy", "fastest")
			lines = shipLines(out)
			if !strings.HasPrefix(lines[ok[2]], "shipped") {
				t.Fatalf("--ready did not ship %s: exit %d\n%s\n%s", ok[2], code, out, errOut)
			}
			if _, again := lines[ok[0]]; again {
				t.Fatalf("--ready shipped an order again: %s", out)
			}
			out, errOut, code = runShipCLI(t, s, ok[0]+"\n\n"+ok[1]+"\n", "-")
			if code != exitOK || !strings.HasPrefix(shipLines(out)[ok[0]], "skipped") {
				t.Fatalf("shipping shipped orders again: exit %d\n%s\n%s", code, out, errOut)
			}

			// The labels of a batch download as one PDF.
			batch := strings.Fields(strings.SplitN(errOut, ":", 2)[0])
			pdf := t.TempDir() + "/labels.pdf"
			if _, errOut, code := runShipCLI(t, s, "", "--batch", batch[1], "--labels", pdf); code != exitOK {
				t.Fatalf("--batch --labels: exit %d %s", code, errOut)
			}
			if b, err := os.ReadFile(pdf); err != nil || !bytes.HasPrefix(b, []byte("%PDF")) {
				t.Fatalf("labels file: %v %.20q", err, b)
			}

			// The server refuses a bad policy with the field named; exit 1.
			if _, errOut, code := runShipCLI(t, s, "", "--ready", "--policy", "slowest"); code != exitFail || !strings.Contains(errOut, "policy") {
				t.Fatalf("bad policy: exit %d %q", code, errOut)
			}
		})
	}
}

// TestShipCLIUsage checks the refusals made before any request.
func TestShipCLIUsage(t *testing.T) {
	t.Parallel()
	s := &shipShop{base: "http://127.0.0.1:1", key: "lm_x"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "--ready"},
		{[]string{"--ready", "ord_1"}, "not both"},
		{[]string{"--batch", "bat_1", "--ready"}, "--batch"},
		{[]string{"--ready", "--progress", "sometimes"}, "--progress"},
		{[]string{"--ready", "--url", "ftp://x"}, "--url"},
	} {
		if _, errOut, code := runShipCLI(t, s, "", tc.args...); code != exitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("ship %v: exit %d %q, want %d naming %s", tc.args, code, errOut, exitUsage, tc.want)
		}
	}
	cmd := exec.Command(binary(t), "ship", "--ready")
	cmd.Env = append(os.Environ(), "LASTMILE_KEY=")
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "--key") {
		t.Errorf("no key: %v %s", err, out)
	}
	// Nothing listens: the error says to check the server.
	if _, errOut, code := runShipCLI(t, s, "", "ord_1"); code != exitFail || !strings.Contains(errOut, "server running") {
		t.Errorf("no server: exit %d %q", code, errOut)
	}
}
