// Package api is lastmile's HTTP JSON API under /v1: handlers (one file per resource) that decode
// requests, call the domain services and map their errors to client-safe responses; bearer-key
// authentication scoped to shops; Idempotency-Key replay on every POST; Prometheus metrics,
// health and readiness, and the OpenAPI document.
package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"lastmile/internal/config"
	"lastmile/internal/i18n"
	"lastmile/internal/ident"
	"lastmile/internal/inventory"
	"lastmile/internal/model"
	"lastmile/internal/notify"
	"lastmile/internal/order"
	"lastmile/internal/rating"
	"lastmile/internal/returns"
	"lastmile/internal/settings"
	"lastmile/internal/shipping"
	"lastmile/internal/store"
	"lastmile/internal/tenant"
	"lastmile/internal/tiktokshop"
	"lastmile/internal/tracker"
)

// Deps is what the API needs from the rest of lastmile.
type Deps struct {
	Config    config.Config
	Store     store.Store // readiness and Idempotency-Key records
	Orders    *order.Service
	Inventory *inventory.Service
	Shipping  *shipping.Service
	Returns   *returns.Service
	Tracker   *tracker.Service // tracking, clocks, exceptions and scores (tracking.go); nil: no such routes
	// TikTok is the TikTok Shop integration; nil when no app is configured.
	TikTok *tiktokshop.Service
	// Notify is the outbound webhooks for ERPs and the buyer messages; nil: no such routes.
	Notify   *notify.Service
	Tenants  *tenant.Service
	Log      *slog.Logger
	Now      func() time.Time
	Registry *prometheus.Registry // metrics are registered here and served at /metrics
	// Settings are the shops' own settings and effective figures. Nil: a Service over Store
	// with Config.
	Settings *settings.Service
	// RateCards are the cards quotes use (config rate_cards, rate_cards_builtin). Nil: the
	// built-in examples, not reloadable.
	RateCards *rating.CardSet

	// SpoolDir holds the temporary files of request bodies read whole before they are handled
	// (file imports, requests with an Idempotency-Key; see body_spool.go); "" is the system's
	// temporary directory. Each file lives as long as its request.
	SpoolDir string
	// SpoolMemory is how much of such a body is held in memory before the rest goes to a file;
	// 0 means 1 MiB.
	SpoolMemory int64
	// MaxReplayBytes is the largest response kept for Idempotency-Key replay; a larger one is
	// sent but not kept (see idempotency.go). 0 means 1 MiB.
	MaxReplayBytes int64
}

// Server is the HTTP handler of the API.
type Server struct {
	deps    Deps
	mux     *http.ServeMux
	metrics *metrics
}

// route is one endpoint; the table drives the mux, authentication and the OpenAPI check.
type route struct {
	pattern string // "METHOD /path"
	public  bool   // no API key needed
	// stateless routes read and write no shop's data (they still need a key).
	stateless bool
	handle    http.HandlerFunc
}

// New returns the API handler.
func New(d Deps) (*Server, error) {
	m, err := newMetrics(d.Registry)
	if err != nil {
		return nil, fmt.Errorf("api metrics: %w", err)
	}
	if d.Settings == nil {
		d.Settings = settings.NewService(d.Store, d.Config, d.Now)
	}
	s := &Server{deps: d, mux: http.NewServeMux(), metrics: m}
	for _, rt := range s.routes() {
		h := s.checkParams(rt.pattern, rt.handle)
		if !rt.public {
			h = s.idempotent(h, rt.stateless)
			h = s.authenticate(h)
		}
		s.mux.Handle(rt.pattern, h)
	}
	return s, nil
}

func (s *Server) routes() []route {
	return slices.Concat([]route{
		{pattern: "GET /healthz", public: true, handle: s.healthz},
		{pattern: "GET /readyz", public: true, handle: s.readyz},
		{pattern: "GET /metrics", public: true, handle: s.metrics.serve},
		{pattern: "GET /v1/openapi.json", public: true, handle: serveOpenAPI},
		{pattern: "POST /v1/orders", handle: s.upsertOrder},
		{pattern: "POST /v1/orders:batch", handle: s.upsertOrders},
		{pattern: "GET /v1/orders", handle: s.listOrders},
		{pattern: "GET /v1/orders/{id}", handle: s.getOrder},
		{pattern: "POST /v1/orders/{id}/confirm", handle: s.confirmOrder},
		{pattern: "POST /v1/orders/{id}/cancel", handle: s.cancelOrder},
		{pattern: "PATCH /v1/orders/{id}", handle: s.correctOrder},
		{pattern: "POST /v1/orders:import", handle: s.importOrders},
		{pattern: "GET /v1/orders:export", handle: s.exportOrders},
		{pattern: "POST /v1/orders/{id}/allocate", handle: s.allocateOrder},
		{pattern: "POST /v1/orders:allocate", handle: s.allocateOrders},
		{pattern: "POST /v1/orders/{id}/release", handle: s.releaseOrder},
		{pattern: "GET /v1/orders/{id}/allocation", handle: s.getAllocation},
		{pattern: "POST /v1/warehouses", handle: s.createWarehouse},
		{pattern: "GET /v1/warehouses", handle: s.listWarehouses},
		{pattern: "GET /v1/warehouses/{id}", handle: s.getWarehouse},
		{pattern: "PUT /v1/warehouses/{id}", handle: s.replaceWarehouse},
		{pattern: "PUT /v1/warehouses/{id}/stock/{sku}", handle: s.setStock},
		{pattern: "GET /v1/inventory", handle: s.listInventory},
		{pattern: "GET /v1/inventory/movements", handle: s.listMovements},
		{pattern: "POST /v1/inventory/movements", handle: s.recordMovement},
		{pattern: "GET /v1/inventory/safety-stock", handle: s.suggestSafetyStock},
		{pattern: "POST /v1/inventory:import", handle: s.importStock},
		{pattern: "GET /v1/inventory:export", handle: s.exportStock},
		{pattern: "POST /v1/addresses/validate", stateless: true, handle: s.validateAddresses},
		{pattern: "POST /v1/tracking-numbers:check", stateless: true, handle: s.checkTrackingNumbers},
		{pattern: "POST /v1/rates", stateless: true, handle: s.rateOrder},
		{pattern: "POST /v1/labels:render", stateless: true, handle: s.renderLabels},
		{pattern: "POST /v1/orders/{id}/ship", handle: s.shipOrder},
		{pattern: "POST /v1/shipments:batch", handle: s.shipBatch},
		{pattern: "GET /v1/batches/{id}", handle: s.getBatch},
		{pattern: "GET /v1/batches/{id}/results", handle: s.batchResults},
		{pattern: "GET /v1/batches/{id}/labels", handle: s.batchLabels},
		{pattern: "GET /v1/shipments", handle: s.listShipments},
		{pattern: "GET /v1/shipments/{id}", handle: s.getShipment},
		{pattern: "GET /v1/shipments/{id}/label", handle: s.shipmentLabel},
		{pattern: "POST /v1/shipments/{id}/void", handle: s.voidShipment},
		{pattern: "POST /v1/manifests", handle: s.createManifest},
		{pattern: "GET /v1/manifests/{id}", handle: s.getManifest},
		{pattern: "GET /v1/manifests/{id}/document", handle: s.manifestDocument},
		{pattern: "POST /v1/manifests/{id}/handover", handle: s.handOverManifest},
		{pattern: "POST /v1/orders/{id}/rates", handle: s.rateStoredOrder},
		{pattern: "GET /v1/shops/{id}/settings", handle: s.getShopSettings},
		{pattern: "PATCH /v1/shops/{id}/settings", handle: s.patchShopSettings},
		{pattern: "GET /v1/shops/{id}/settings/effective", handle: s.getEffectiveSettings},
		{pattern: "POST /v1/rate-cards:reload", stateless: true, handle: s.reloadRateCards},
		{pattern: "POST /v1/returns", handle: s.createReturn},
		{pattern: "GET /v1/returns", handle: s.listReturns},
		{pattern: "GET /v1/returns/{id}", handle: s.getReturn},
		{pattern: "POST /v1/returns/{id}/decide", handle: s.decideReturn},
		{pattern: "POST /v1/returns/{id}/receive", handle: s.receiveReturn},
		{pattern: "GET /v1/returns/{id}/label", handle: s.returnLabel},
		{pattern: "GET /v1/returns/stats", handle: s.returnStats},
		{pattern: "GET /v1/returns/rules", handle: s.getReturnRules},
		{pattern: "PUT /v1/returns/rules", handle: s.putReturnRules},
		{pattern: "POST /v1/returns/rules:dry-run", handle: s.dryRunReturnRules},
	},
		s.trackingRoutes(),
		s.connectionRoutes(),
		s.webhookRoutes(),
		s.apiKeyRoutes(),
	)
}

// ServeHTTP implements http.Handler: request id, body limit, panic recovery, metrics, then the mux.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := r.Header.Get("X-Request-Id")
	if id == "" || len(id) > 128 {
		id = ident.New("req", start)
	}
	w.Header().Set("X-Request-Id", id)
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
	defer func() {
		v := recover()
		if v != nil && v != http.ErrAbortHandler {
			s.deps.Log.Error("panic serving request", "request_id", id, "method", r.Method, "path", r.URL.Path,
				"panic", v, "stack", string(debug.Stack()))
			if !rec.wrote {
				s.fail(rec, r, fmt.Errorf("panic: %v", v))
			}
		}
		status := rec.status
		if clientGone(r) {
			// Not an error of the server's: the client hung up or timed out.
			s.deps.Log.Info("client went away before the response was complete", "request_id", id,
				"method", r.Method, "path", r.URL.Path, "status", rec.status, "elapsed", time.Since(start))
			status = statusClientClosed
		}
		s.metrics.observe(r, status, time.Since(start))
		if v == http.ErrAbortHandler {
			panic(v)
		}
	}()
	if r.ContentLength > s.deps.Config.MaxBodyBytes {
		// Refused before a byte of it is read; a client that sent Expect: 100-continue never
		// sends the body at all.
		_, r.Pattern = s.mux.Handler(r)
		s.fail(rec, r, &http.MaxBytesError{Limit: s.deps.Config.MaxBodyBytes})
		return
	}
	r.Body = http.MaxBytesReader(rec, r.Body, s.deps.Config.MaxBodyBytes)
	if _, pattern := s.mux.Handler(r); pattern == "" {
		s.noRoute(rec, r)
		return
	}
	s.mux.ServeHTTP(rec, r)
}

// noRoute answers a request no route takes with the usual JSON error body: 405 naming the
// methods the path takes (and Allow), or 404 naming the path.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		s.fail(w, r, &apiError{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
			Message: fmt.Sprintf("%s does not take %s; it takes %s (see /v1/openapi.json)", r.URL.Path, r.Method, strings.Join(allow, ", "))})
		return
	}
	s.fail(w, r, &apiError{Status: http.StatusNotFound, Code: "no_such_route",
		Message: fmt.Sprintf("no route %s %s; the API is described at /v1/openapi.json", r.Method, r.URL.Path)})
}

// statusClientClosed is the status the metrics record for a request whose client went away
// before its response was complete (the code nginx uses). No client ever receives it.
const statusClientClosed = 499

// clientGone reports whether r's client has gone away: it closed the connection (or reset the
// stream) before the response was complete.
func clientGone(r *http.Request) bool { return errors.Is(r.Context().Err(), context.Canceled) }

type requestIDKey struct{}
type scopeKey struct{}

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

func scopeOf(ctx context.Context) model.Scope {
	sc, _ := ctx.Value(scopeKey{}).(model.Scope)
	return sc
}

// fail writes err as the client's error; server errors are logged with the request id. When
// the client has gone away nothing is logged here: ServeHTTP logs the request once, at INFO.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	ae := toAPIError(err, requestID(r.Context()))
	if ae.Code == "not_found" {
		ae = namedNotFound(ae, r)
	}
	switch {
	case clientGone(r):
	case ae.Status == http.StatusServiceUnavailable:
		s.deps.Log.Error("request failed: the database is unavailable", "request_id", requestID(r.Context()), "method", r.Method, "path", r.URL.Path, "err", err)
	case ae.Status >= 500:
		s.deps.Log.Error("request failed", "request_id", requestID(r.Context()), "method", r.Method, "path", r.URL.Path, "err", err)
	}
	switch ae.Status {
	case http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", `Bearer realm="lastmile"`)
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", retryAfterUnavailable)
	}
	if lang := requestLang(r); lang != i18n.EN {
		ae = localize(ae, lang, requestID(r.Context()))
		w.Header().Set("Content-Language", string(lang))
	}
	w.Header().Add("Vary", "Accept-Language")
	writeJSON(w, ae.Status, ae.body())
}

// authenticate resolves the bearer key into the request's scope, or answers 401.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		const prefix = "Bearer "
		h := strings.TrimSpace(r.Header.Get("Authorization"))
		switch {
		case h == "":
			s.fail(w, r, fmt.Errorf("missing API key: no Authorization header: %w", model.ErrUnauthorized))
			return
		case strings.HasPrefix(h, "lm_"):
			s.fail(w, r, fmt.Errorf("the Authorization header holds the key without the word Bearer (write \"Authorization: Bearer lm_…\"): %w", model.ErrUnauthorized))
			return
		case len(h) <= len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix):
			scheme, _, _ := strings.Cut(h, " ")
			s.fail(w, r, fmt.Errorf("the Authorization header's scheme %q is not Bearer: %w", scheme, model.ErrUnauthorized))
			return
		}
		sc, err := s.deps.Tenants.Authenticate(r.Context(), h[len(prefix):])
		if err != nil {
			s.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), scopeKey{}, sc)))
	})
}

// statusRecorder remembers the status written, for metrics and the panic handler.
type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz reports ready when the store answers within two seconds.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.deps.Store.Ping(ctx); err != nil {
		s.deps.Log.Warn("not ready", "err", err)
		w.Header().Set("Retry-After", retryAfterUnavailable)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "the database does not answer"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// namedNotFound names what was not found: the resource of the route's path and its id
// ("order ord_… was not found"), so a client with several ids in flight knows which one.
func namedNotFound(ae *apiError, r *http.Request) *apiError {
	id := r.PathValue("id")
	if id == "" || r.Pattern == "" {
		return ae
	}
	_, path, _ := strings.Cut(r.Pattern, " ")
	noun := "resource"
	if before, _, ok := strings.Cut(path, "/{id}"); ok {
		noun = singular(before[strings.LastIndex(before, "/")+1:])
	}
	out := *ae
	out.Field = "id"
	out.Message = fmt.Sprintf("%s %s was not found for this API key (another shop's %s counts as not found); check the id", noun, id, noun)
	return &out
}

// singular is the noun of a collection path segment: orders → order, batches → batch.
func singular(collection string) string {
	switch {
	case strings.HasSuffix(collection, "ches"):
		return strings.TrimSuffix(collection, "es")
	case strings.HasSuffix(collection, "s"):
		return strings.TrimSuffix(collection, "s")
	}
	return collection
}
