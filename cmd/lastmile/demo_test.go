package main

import (
	"bufio"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	tiktoksim "lastmile/internal/marketplace/tiktok/sim"
)

// demoRun is a `lastmile demo` subprocess.
type demoRun struct {
	cmd  *exec.Cmd
	out  *syncBuffer
	base string // http://HOST:PORT
	key  string
}

var (
	demoShipRe  = regexp.MustCompile(`lastmile ship --ready --url (http://\S+) --key (lm_\S+)`)
	demoReadyRe = regexp.MustCompile(`The first 50 demo orders are in: (\d+) confirmed`)
)

// startDemo runs the demo on a free loopback port with its data in dir, and waits until it has
// printed its ship hint and stored its first orders.
func startDemo(t *testing.T, dir string) *demoRun {
	t.Helper()
	cmd := exec.Command(binary(t), "demo", "--addr", "127.0.0.1:0", "--data", dir, "--interval", "1h", "--seed", "3")
	d := &demoRun{cmd: cmd, out: &syncBuffer{}}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = d.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			d.out.Write([]byte(sc.Text() + "\n"))
		}
	}()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		out := d.out.String()
		if m := demoShipRe.FindStringSubmatch(out); m != nil && demoReadyRe.MatchString(out) {
			d.base, d.key = m[1], m[2]
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("the demo did not print its ship hint:\n%s", out)
		}
	}
}

// TestDemoShipsAndReusesItsKey runs the demo as a newcomer would: it listens on loopback, prints
// a key and the ship command; `lastmile ship --ready` with them ships every ready demo order
// (exit 0, no failure) with real carriers' tracking numbers. A restart reuses the key kept in
// the data directory (mode 0600) instead of minting another.
func TestDemoShipsAndReusesItsKey(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	d := startDemo(t, dir)
	if !strings.HasPrefix(d.base, "http://127.0.0.1:") {
		t.Fatalf("the demo listens on %s, want loopback", d.base)
	}
	s := &shipShop{base: d.base, key: d.key}
	out, errOut, code := runShipCLI(t, s, "", "--ready", "--progress", "never")
	if code != exitOK || strings.Contains(out, "\nfailed") {
		t.Fatalf("ship --ready on the demo: exit %d\n%s\n%s", code, out, errOut)
	}
	lines := shipLines(out)
	shipped := 0
	for _, l := range lines {
		if strings.HasPrefix(l, "shipped") {
			shipped++
			if f := strings.Fields(l); len(f) != 5 || len(f[4]) < 8 {
				t.Fatalf("shipped line without carrier, service and tracking number: %q", l)
			}
		}
	}
	if shipped == 0 {
		t.Fatalf("ship --ready shipped nothing:\n%s", out)
	}
	// Everything ready has a label now: the demo's own batch (some orders) and ours (the rest).
	var page struct {
		Shipments []struct {
			Status string `json:"status"`
		} `json:"shipments"`
	}
	if st := call(t, &http.Client{Timeout: 10 * time.Second}, "GET", d.base+"/v1/shipments?limit=1000", d.key, nil, &page); st != http.StatusOK || len(page.Shipments) < shipped {
		t.Fatalf("shipments: %d, %d listed for %d shipped", st, len(page.Shipments), shipped)
	}
	// Nothing is left to ship.
	if out, errOut, code = runShipCLI(t, s, "", "--ready", "--progress", "never"); code != exitOK || !strings.Contains(out, "nothing to ship") {
		t.Fatalf("second ship --ready: exit %d\n%s\n%s", code, out, errOut)
	}

	keyFile := filepath.Join(dir, "demo-key")
	fi, err := os.Stat(keyFile)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("demo key file: %v %v, want mode 0600", err, fi)
	}
	checkDemoKeyReachesEveryConnection(t, d)
	d.cmd.Process.Signal(os.Interrupt)
	d.cmd.Wait()
	again := startDemo(t, dir)
	if again.key != d.key {
		t.Fatalf("the restarted demo minted a new key %s instead of reusing %s", again.key, d.key)
	}
	checkDemoKeyReachesEveryConnection(t, again)
	if !strings.Contains(again.out.String(), "used again at every start") {
		t.Fatalf("the restarted demo does not say its key is kept:\n%s", again.out)
	}
}

// TestDemoListensOnLoopbackByDefault: the demo's default address is this machine only.
func TestDemoListensOnLoopbackByDefault(t *testing.T) {
	t.Parallel()
	_, errOut, code := runCLI(t, "demo", "--help")
	if code != exitOK || !strings.Contains(errOut, `(default "127.0.0.1:8080")`) || !strings.Contains(errOut, "0.0.0.0:8080") {
		t.Fatalf("demo --help: exit %d\n%s", code, errOut)
	}
}

// checkDemoKeyReachesEveryConnection: the demo key lists every connection the demo made, one
// per simulated TikTok shop (six, the DE one included, though DE is not a demo order market).
func checkDemoKeyReachesEveryConnection(t *testing.T, d *demoRun) {
	t.Helper()
	var page struct {
		Connections []struct {
			ShopID string `json:"shop_id"`
		} `json:"connections"`
	}
	if st := call(t, &http.Client{Timeout: 10 * time.Second}, "GET", d.base+"/v1/connections", d.key, nil, &page); st != http.StatusOK {
		t.Fatalf("GET /v1/connections with the demo key: %d", st)
	}
	var shops []string
	for _, c := range page.Connections {
		shops = append(shops, c.ShopID)
	}
	if len(shops) != len(tiktoksim.DefaultShops()) || !slices.Contains(shops, "shop_demo_de") {
		t.Fatalf("the demo key lists the connections of %v, want all %d of the simulated TikTok shops, shop_demo_de among them", shops, len(tiktoksim.DefaultShops()))
	}
}
