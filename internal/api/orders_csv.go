package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"lastmile/internal/i18n"
	"lastmile/internal/model"
	"lastmile/internal/order/ordercsv"
	"lastmile/internal/store"
)

// importOrders is POST /v1/orders:import with a CSV body (docs/csv.md: UTF-8 with or without
// BOM, GB18030/GBK from Chinese Excel; one row per order line). The body is read to its end
// first (body_spool.go says why), then imported; the answer is a CSV of per-row results,
// row,external_id,status,problems, streamed as the import goes, and the counts in the
// Lastmile-Import-Summary trailer. Good rows are imported and bad ones reported; importing the
// same file again changes nothing. A file over the body limit is refused whole (413). An import
// that stops early (the database went away) ends its results with a "stopped" row that names
// the last row done, and says so in the trailer. An operator key names the shop with ?shop_id=.
func (s *Server) importOrders(w http.ResponseWriter, r *http.Request) {
	sc := scopeOf(r.Context())
	shopID, ok := s.importShop(w, r)
	if !ok {
		return
	}
	body, done, err := s.spooled(r)
	if err != nil {
		s.fail(w, r, importBodyError(err))
		return
	}
	defer done()
	opt := ordercsv.Options{Location: s.marketLocation}
	results := ordercsv.NewResultWriter(&lazyCSV{w: w, trailer: importSummaryTrailer})
	if lang := requestLang(r); lang != i18n.EN {
		results.Translate(csvTranslator{lang})
		w.Header().Set("Content-Language", string(lang))
	}
	sum, err := s.deps.Orders.ImportCSV(r.Context(), sc, shopID, body, opt, results, nil)
	s.metrics.countOrders(sum.ByOutcome)
	var he *ordercsv.HeaderError
	switch {
	case errors.As(err, &he):
		s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: he.Code, Field: he.Column, Message: he.Message})
		return
	case err != nil && sum.LastRow == 0:
		s.fail(w, r, err) // nothing was stored or reported: the status can still say what happened
		return
	case err != nil:
		stop := s.stopImport(r, sum.LastRow, err)
		if stop == nil {
			return
		}
		results.Write(stop.Row(), "", importStopped, stop.problems())
		if results.Flush() == nil {
			setImportSummary(w, sum, stop)
		}
		return
	}
	setImportSummary(w, sum, nil)
}

// importSummaryTrailer is the trailer that carries an import's counts, and where and why it
// stopped if it stopped early.
const importSummaryTrailer = "Lastmile-Import-Summary"

// importStopped is the status of the results row that ends an import stopped early.
const importStopped = "stopped"

// importStop is where and why an import stopped before the end of its file.
type importStop struct {
	// AfterRow is the last row of the file with a result: every row up to it is done as its
	// result says, no row after it was imported.
	AfterRow int    `json:"after_row"`
	Code     string `json:"code"`
	Message  string `json:"message"`
}

// Row is the row the "stopped" result is written on: the first row not imported.
func (st *importStop) Row() int { return st.AfterRow + 1 }

func (st *importStop) problems() []model.FieldError {
	return []model.FieldError{{Code: st.Code, Message: st.Message}}
}

// stopImport describes an import that failed after rows were stored and reported, for the
// results' last row and the trailer, and logs it; nil when the client has gone away (nobody is
// left to tell). Either way a retry with the request's Idempotency-Key runs the import again
// rather than replay its unfinished results.
func (s *Server) stopImport(r *http.Request, afterRow int, err error) *importStop {
	dontReplay(r)
	if clientGone(r) {
		return nil
	}
	ae := toAPIError(err, requestID(r.Context()))
	why := ae.Message
	if ae.Status == http.StatusServiceUnavailable {
		why = "the database stopped answering"
	}
	s.deps.Log.Error("import stopped early", "request_id", requestID(r.Context()), "path", r.URL.Path, "after_row", afterRow, "err", err)
	return &importStop{AfterRow: afterRow, Code: ae.Code, Message: fmt.Sprintf("the import stopped after row %d: %s. "+
		"Every row up to %d is done as its result says; no row after it was imported. "+
		"Import the same file again to finish: the rows already imported come back unchanged", afterRow, why, afterRow)}
}

// abortExport cuts an export that failed midway, so that the client sees it incomplete (its
// status was sent already). A failure is logged unless the client itself went away.
func (s *Server) abortExport(r *http.Request, err error) {
	if !clientGone(r) {
		s.deps.Log.Error("export failed midway", "request_id", requestID(r.Context()), "path", r.URL.Path, "err", err)
	}
	panic(http.ErrAbortHandler)
}

// setImportSummary sets the summary trailer: the import's counts and, when it stopped early,
// "stopped" with where and why.
func setImportSummary(w http.ResponseWriter, sum any, stop *importStop) {
	b, err := json.Marshal(sum)
	if err == nil && stop != nil {
		var fields map[string]any
		if err = json.Unmarshal(b, &fields); err == nil {
			fields["stopped"] = stop
			b, err = json.Marshal(fields)
		}
	}
	if err != nil {
		return // the summaries are plain structs: never happens
	}
	w.Header().Set(importSummaryTrailer, string(b))
}

// importBodyError is the client's error for a file that could not be received: a file over the
// body limit names the limit and the fix.
func importBodyError(err error) error {
	return bodyError(err, func(mbe *http.MaxBytesError) *apiError {
		return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large",
			Message: fmt.Sprintf("the file is over %d bytes, the most one request may send; nothing was imported: "+
				"split it into files below that size, each with the header row, and import them one by one", mbe.Limit)}
	})
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

// lazyCSV sets the CSV content type (and declares the trailer, if any) on the first write, so
// that an error found before any result (a bad header) can still answer JSON.
type lazyCSV struct {
	w       http.ResponseWriter
	trailer string
	started bool
}

func (l *lazyCSV) Write(p []byte) (int, error) {
	if !l.started {
		l.started = true
		l.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		if l.trailer != "" {
			l.w.Header().Set("Trailer", l.trailer)
		}
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
			s.abortExport(r, err)
		}
	}
	if err := cw.Flush(); err != nil {
		panic(http.ErrAbortHandler)
	}
}
