package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"lastmile/internal/model"
)

type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	orders   *prometheus.CounterVec
	// spooled counts request bodies read whole before handling, by where they were held
	// (memory, file), and their bytes: the disk traffic imports and Idempotency-Keys cost.
	spooled      *prometheus.CounterVec
	spooledBytes *prometheus.CounterVec
	handler      http.Handler
}

func newMetrics(reg *prometheus.Registry) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lastmile_http_requests_total", Help: "HTTP requests by route and status code; 499 is a client that went away before its response was complete.",
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "lastmile_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
		orders: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lastmile_orders_upserted_total", Help: "Orders received through the API (JSON and CSV import) by outcome (created, updated, unchanged, stale, refused).",
		}, []string{"outcome"}),
		spooled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lastmile_http_spooled_bodies_total", Help: "Request bodies read whole before handling (imports, Idempotency-Key requests), by where they were held (memory, file).",
		}, []string{"to"}),
		spooledBytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lastmile_http_spooled_bytes_total", Help: "Bytes of request bodies read whole before handling, by where they were held (memory, file).",
		}, []string{"to"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.latency, m.orders, m.spooled, m.spooledBytes,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	return m, nil
}

func (m *metrics) serve(w http.ResponseWriter, r *http.Request) { m.handler.ServeHTTP(w, r) }

// observe records one request under its route pattern (never the raw path, which would make a
// series per order id).
func (m *metrics) observe(r *http.Request, status int, d time.Duration) {
	route := r.Pattern
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
}

func (m *metrics) countOrder(outcome model.WriteOutcome) {
	if outcome == "" {
		outcome = "refused"
	}
	m.orders.WithLabelValues(string(outcome)).Inc()
}

// countOrders adds the outcomes of an import: orders by outcome, "refused" included.
func (m *metrics) countOrders(byOutcome map[string]int) {
	for outcome, n := range byOutcome {
		m.orders.WithLabelValues(outcome).Add(float64(n))
	}
}

func (m *metrics) countSpool(b *spooledBody) {
	to := "memory"
	if b.file != nil {
		to = "file"
	}
	m.spooled.WithLabelValues(to).Inc()
	m.spooledBytes.WithLabelValues(to).Add(float64(b.size))
}
