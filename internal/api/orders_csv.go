package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/order/ordercsv"
	"lastmile/internal/store"
)

// importOrders is POST /v1/orders:import with a CSV body (docs/csv.md: UTF-8 with or without
// BOM, GB18030/GBK from Chinese Excel; one row per order line). It answers a CSV of per-row
// results, row,external_id,status,problems, streamed as the file is read; the counts follow in
// the Lastmile-Import-Summary trailer. Good rows are imported and bad ones reported; importing the
// same file again changes nothing. An operator key names the shop with ?shop_id=.
func (s *Server) importOrders(w http.ResponseWriter, r *http.Request) {
	sc := scopeOf(r.Context())
	shopID, ok := s.importShop(w, r)
	if !ok {
		return
	}
	opt := ordercsv.Options{Location: s.marketLocation}
	w.Header().Set("Trailer", "Lastmile-Import-Summary")
	results := ordercsv.NewResultWriter(&lazyCSV{w: w})
	sum, err := s.deps.Orders.ImportCSV(r.Context(), sc, shopID, r.Body, opt, results, nil)
	var he *ordercsv.HeaderError
	switch {
	case errors.As(err, &he):
		s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: he.Code, Field: he.Column, Message: he.Message})
		return
	case err != nil && sum.Rows == 0:
		s.fail(w, r, err)
		return
	case err != nil:
		// Results were streamed already: the status cannot change. Cut the response so the client
		// sees it incomplete; every batch reported before the cut is stored.
		s.deps.Log.Error("import failed midway", "request_id", requestID(r.Context()), "rows", sum.Rows, "err", err)
		panic(http.ErrAbortHandler)
	}
	b, _ := json.Marshal(sum)
	w.Header().Set("Lastmile-Import-Summary", string(b))
}

// importShop is the shop a file import writes to: ?shop_id=, or the key's only shop. It writes
// the error and reports false when there is none.
func (s *Server) importShop(w http.ResponseWriter, r *http.Request) (string, bool) {
	sc := scopeOf(r.Context())
	shopID := r.URL.Query().Get("shop_id")
	switch {
	case shopID == "" && len(sc.ShopIDs) == 1:
		return sc.ShopIDs[0], true
	case shopID == "":
		s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: "missing_field", Field: "shop_id",
			Message: "this API key spans several shops: name the shop with ?shop_id="})
		return "", false
	case !sc.Has(shopID):
		s.fail(w, r, fmt.Errorf("shop %s: %w", shopID, model.ErrNotFound))
		return "", false
	}
	return shopID, true
}

// lazyCSV sets the CSV content type on the first write, so that an error found before any
// result (a bad header) can still answer JSON.
type lazyCSV struct {
	w       http.ResponseWriter
	started bool
}

func (l *lazyCSV) Write(p []byte) (int, error) {
	if !l.started {
		l.started = true
		l.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		l.w.WriteHeader(http.StatusOK)
	}
	return l.w.Write(p)
}

// marketLocation is the time zone of times a file gives without one: the market's.
func (s *Server) marketLocation(m model.Market) *time.Location {
	mk, ok := s.deps.Config.Markets[m]
	if !ok {
		return time.UTC
	}
	loc, err := time.LoadLocation(mk.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// exportOrders is GET /v1/orders:export?format=csv with the filters of GET /v1/orders: the
// orders as a CSV in the import's columns, UTF-8 with a BOM so Excel shows Chinese text, one row
// per line, streamed page by page.
func (s *Server) exportOrders(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if f := q.Get("format"); f != "" && f != "csv" {
		s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_value", Field: "format",
			Message: "format is csv (the only export format)"})
		return
	}
	lq, problems := parseListQuery(q)
	if len(problems) > 0 {
		s.fail(w, r, &model.ValidationError{Problems: problems})
		return
	}
	lq.Limit = store.MaxListLimit
	sc := scopeOf(r.Context())
	first, next, err := s.deps.Orders.List(r.Context(), sc, lq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="orders.csv"`)
	cw, err := ordercsv.NewWriter(w)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := first
	for {
		for _, o := range page {
			if err := cw.Write(o); err != nil {
				panic(http.ErrAbortHandler) // the client went away
			}
		}
		if next == nil {
			break
		}
		lq.After = next
		if page, next, err = s.deps.Orders.List(r.Context(), sc, lq); err != nil {
			s.deps.Log.Error("export failed midway", "request_id", requestID(r.Context()), "err", err)
			panic(http.ErrAbortHandler)
		}
	}
	if err := cw.Flush(); err != nil {
		panic(http.ErrAbortHandler)
	}
}
