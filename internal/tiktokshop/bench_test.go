package tiktokshop

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/marketplace/tiktok/sim"
	"lastmile/internal/store/storetest"
)

// timedTransport adds up the time spent in round trips to the sim: from the request sent to
// the answer's headers, which the sim writes once it has computed the page.
type timedTransport struct {
	base http.RoundTripper
	ns   atomic.Int64
}

func (t *timedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.base.RoundTrip(r)
	t.ns.Add(int64(time.Since(start)))
	return resp, err
}

// BenchmarkInitialSync is the first pull of a shop with 100,000 orders (go test
// -bench InitialSync -benchtime 1x) from the sim into SQLite: signed
// requests, pages of 100, mapping, the order upsert. It reports orders/s and the share of the
// time spent waiting on the sim.
func BenchmarkInitialSync(b *testing.B) {
	const n = 100_000
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st := storetest.OpenSQLite(b)
		e := newEnv(b, st, sim.Options{WebhookURL: noWebhooks})
		if _, err := e.sim.CreateOrders(simUS, n); err != nil {
			b.Fatal(err)
		}
		tt := &timedTransport{base: http.DefaultTransport}
		client, err := tiktok.New(tiktok.Config{AppKey: e.sim.AppKey(), AppSecret: e.sim.AppSecret(), APIBase: e.sim.URL(), Now: e.clock.Now,
			HTTPClient: &http.Client{Transport: tt}})
		if err != nil {
			b.Fatal(err)
		}
		e.svc.d.Client = client
		c := e.connect("shop_us", "")
		e.clock.Advance(time.Minute)
		b.StartTimer()
		start, cpu0 := time.Now(), cpuTime()
		r, err := e.svc.Sync(context.Background(), c.ID)
		elapsed, cpu := time.Since(start), cpuTime()-cpu0
		b.StopTimer()
		if err != nil || r.Stored != n {
			b.Fatalf("sync: %+v, %v", r, err)
		}
		b.ReportMetric(float64(n)/elapsed.Seconds(), "orders/s")
		b.ReportMetric(100*float64(tt.ns.Load())/float64(elapsed), "%in-sim")
		b.ReportMetric(float64(r.Pages), "pages")
		// On a shared machine the wall clock counts the other processes' turns too: orders per
		// second of this process's CPU (lastmile and the sim together) is the steadier figure.
		b.ReportMetric(float64(n)/cpu.Seconds(), "orders/cpu-s")
	}
}

// cpuTime is the process's CPU time so far, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkWebhookReceipt is POST /webhooks/tiktok's work without HTTP: the signature check,
// the envelope, the fetch job enqueued in SQLite (one per event; duplicates collapse).
func BenchmarkWebhookReceipt(b *testing.B) {
	st := storetest.OpenSQLite(b)
	e := newEnv(b, st, sim.Options{})
	key, secret := e.sim.AppKey(), e.sim.AppSecret()
	var seq atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(32) // the platform sends many webhooks at once
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := seq.Add(1)
			body := []byte(fmt.Sprintf(`{"type":1,"tts_notification_id":"%d","shop_id":%q,"timestamp":1718305585,"data":{"order_id":"57%016d","order_status":"AWAITING_SHIPMENT","is_on_hold_order":false,"update_time":1718305585}}`, i, simUS, i))
			if _, err := e.svc.Receive(context.Background(), sign(key, secret, body), body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "webhooks/s")
}
