package api

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/store"
)

// upsertOrder is POST /v1/orders: create or update one order by (shop, external_id). 201 when it
// was created, 200 otherwise; the Lastmile-Outcome header says created, updated, unchanged (a
// replay) or stale (older than the stored version, ignored).
func (s *Server) upsertOrder(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		s.fail(w, r, decodeError(err, nil, ""))
		return
	}
	var o model.Order
	if err := decodeStrict(body, &o); err != nil {
		s.fail(w, r, decodeError(err, body, ""))
		return
	}
	res, err := s.deps.Orders.Upsert(r.Context(), scopeOf(r.Context()), []model.Order{o}, order.CauseAPI)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.metrics.countOrder(res[0].Outcome)
	if res[0].Err != nil {
		s.fail(w, r, res[0].Err)
		return
	}
	w.Header().Set("Lastmile-Outcome", string(res[0].Outcome))
	status := http.StatusOK
	if res[0].Outcome == model.OutcomeCreated {
		status = http.StatusCreated
	}
	writeJSON(w, status, res[0].Order)
}

// batchResult is one entry of a batch response, in input order: the order's id and outcome, or
// the error that refused it.
type batchResult struct {
	Index   int                `json:"index"`
	ID      string             `json:"id,omitempty"`
	Created *bool              `json:"created,omitempty"`
	Outcome model.WriteOutcome `json:"outcome,omitempty"`
	Status  model.Status       `json:"status,omitempty"`
	// NeedsAttention and Problems are the stored order's (R-ORD-6), so that a client learns
	// which orders are held, and why, without fetching each again.
	NeedsAttention *bool              `json:"needs_attention,omitempty"`
	Problems       []model.Problem    `json:"problems,omitempty"`
	Error          *apiError          `json:"error,omitempty"`
	Errors         []model.FieldError `json:"errors,omitempty"`
}

// upsertOrders is POST /v1/orders:batch: up to MaxBatchOrders orders, each with its own result.
// One bad item never fails the others; only a body that is not JSON at all fails the request.
func (s *Server) upsertOrders(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		s.fail(w, r, decodeError(err, nil, ""))
		return
	}
	orders, index, results, err := decodeBatch(body, s.deps.Config.MaxBatchOrders)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for range len(results) - len(orders) {
		s.metrics.countOrder("")
	}
	res, err := s.deps.Orders.Upsert(r.Context(), scopeOf(r.Context()), orders, order.CauseAPI)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := requestLang(r)
	for i := range results {
		if e := results[i].Error; e != nil {
			results[i].Error = localize(e, lang, requestID(r.Context()))
			results[i].Errors = results[i].Error.Details
		}
	}
	for j, rs := range res {
		out := &results[index[j]]
		s.metrics.countOrder(rs.Outcome)
		if rs.Err != nil {
			ae := localize(toAPIError(rs.Err, requestID(r.Context())), lang, requestID(r.Context()))
			out.Error, out.Errors = ae, ae.Details
			if ae.Status >= 500 {
				dontReplay(r) // a retry with the key should store these orders, not replay their failure
			}
			continue
		}
		created := rs.Outcome == model.OutcomeCreated
		out.ID, out.Created, out.Outcome, out.Status = rs.Order.ID, &created, rs.Outcome, rs.Order.Status
		held := rs.Order.NeedsAttention
		out.NeedsAttention, out.Problems = &held, rs.Order.Problems
	}
	writeJSON(w, http.StatusOK, struct {
		Results []batchResult `json:"results"`
	}{results})
}

// decodeBatch decodes {"orders":[…]}: the orders to store, in input order, with the input
// index of each, and one result per input item, which carries the error of an item refused.
// A well-formed batch is split by its structure alone (quickSplit) and its orders decoded on
// every CPU, straight into the slice handed to the service, which is all the common case
// needs. Only when that fails (the body has another shape, or an item is refused) is the body
// read again the careful way, so that a body that is not JSON is refused as a whole and each
// bad item is named by its index while the good ones are kept.
func decodeBatch(body []byte, max int) (orders []model.Order, index []int, results []batchResult, err error) {
	if raws, ok := quickSplit(body, "orders"); ok && len(raws) > 0 && len(raws) <= max {
		if orders, ok := decodeOrdersParallel(raws); ok {
			index = make([]int, len(orders))
			results = make([]batchResult, len(orders))
			for i := range results {
				index[i], results[i].Index = i, i
			}
			return orders, index, results, nil
		}
	}

	raws, missing, err := splitMember(body, "orders")
	if err != nil {
		return nil, nil, nil, decodeError(err, body, "")
	}
	if err := checkBatchSize(missing, len(raws), max); err != nil {
		return nil, nil, nil, err
	}
	orders = make([]model.Order, 0, len(raws))
	index = make([]int, 0, len(raws))
	results = make([]batchResult, len(raws))
	for i, raw := range raws {
		results[i].Index = i
		if bytes.Equal(raw, []byte("null")) {
			results[i].Error = errNullItem()
			continue
		}
		var o model.Order
		if err := decodeStrict(raw, &o); err != nil {
			results[i].Error = decodeError(err, raw, "")
			continue
		}
		orders = append(orders, o)
		index = append(index, i)
	}
	return orders, index, results, nil
}

// decodeChunk is the fewest orders worth a goroutine of their own; smaller batches are decoded
// inline.
const decodeChunk = 256

// decodeOrdersParallel decodes the raw orders strictly, spread over the CPUs: each goroutine
// decodes its share as one JSON array straight into its part of the result (one decoder for
// thousands of orders costs less than one for each). ok is false if any share holds a refused
// or null order: the caller then decodes the batch the careful way, which names each one.
func decodeOrdersParallel(raws [][]byte) (orders []model.Order, ok bool) {
	orders = make([]model.Order, len(raws))
	var failed atomic.Bool
	decode := func(lo, hi int) {
		n := 2
		for _, r := range raws[lo:hi] {
			n += len(r) + 1
		}
		array := make([]byte, 0, n)
		array = append(array, '[')
		for i, r := range raws[lo:hi] {
			if i > 0 {
				array = append(array, ',')
			}
			array = append(array, r...)
		}
		array = append(array, ']')
		share := orders[lo:lo:hi] // decoded in place: the array holds exactly hi-lo orders
		if decodeStrict(array, &share) != nil || len(share) != hi-lo || anyNull(share) {
			failed.Store(true)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), (len(raws)+decodeChunk-1)/decodeChunk)
	if workers <= 1 {
		decode(0, len(raws))
		return orders, !failed.Load()
	}
	var wg sync.WaitGroup
	per := (len(raws) + workers - 1) / workers
	for lo := 0; lo < len(raws); lo += per {
		wg.Go(func() { decode(lo, min(lo+per, len(raws))) })
	}
	wg.Wait()
	return orders, !failed.Load()
}

// anyNull reports whether an order may have been a JSON null, which decodes as the zero order:
// every such order has no external_id (and would be refused for it), so a batch with one is
// decoded the careful way, which tells null from {}.
func anyNull(orders []model.Order) bool {
	for i := range orders {
		if orders[i].ExternalID == "" {
			return true
		}
	}
	return false
}

func checkBatchSize(missing bool, n, max int) error {
	switch {
	case missing:
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "missing_field", Field: "orders",
			Message: `send {"orders":[…]} with one order object per element`}
	case n > max:
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "batch_too_large", Field: "orders",
			Message: fmt.Sprintf("a batch holds at most %d orders, this one %d; split it", max, n)}
	}
	return nil
}

func errNullItem() *apiError {
	return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_type", Message: "a batch item must be an order object, not null"}
}

// getOrder is GET /v1/orders/{id}. Another shop's order is 404, like one that does not exist.
func (s *Server) getOrder(w http.ResponseWriter, r *http.Request) {
	o, err := s.deps.Orders.Get(r.Context(), scopeOf(r.Context()), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}

const defaultListLimit = 100

// listOrders is GET /v1/orders?status=&updated_since=&external_id=&needs_attention=&cursor=&limit=: the caller's
// orders in the order lastmile last changed them (then by id), so a client that keeps the cursor
// sees every change exactly once per change.
func (s *Server) listOrders(w http.ResponseWriter, r *http.Request) {
	lq, problems := parseListQuery(r.URL.Query())
	if v := r.URL.Query().Get("cursor"); v != "" {
		c, err := decodeCursor(v)
		if err != nil {
			problems = append(problems, model.FieldError{Code: "invalid_cursor", Field: "cursor",
				Message: "cursor is not one this API returned; pass next_cursor from the previous page unchanged"})
		}
		lq.After = c
	}
	if len(problems) > 0 {
		s.fail(w, r, &model.ValidationError{Problems: problems})
		return
	}
	orders, next, err := s.deps.Orders.List(r.Context(), scopeOf(r.Context()), lq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if orders == nil {
		orders = []model.Order{}
	}
	resp := struct {
		Orders     []model.Order `json:"orders"`
		NextCursor *string       `json:"next_cursor"`
	}{Orders: orders, NextCursor: nextPageToken(next)}
	writeJSON(w, http.StatusOK, resp)
}

// parseListQuery reads the filters shared by the listing and the export: status, external_id,
// needs_attention, updated_since and limit.
func parseListQuery(q url.Values) (order.ListQuery, []model.FieldError) {
	var lq order.ListQuery
	var problems []model.FieldError
	for _, v := range q["status"] {
		for _, st := range strings.Split(v, ",") {
			status := model.Status(strings.ToUpper(strings.TrimSpace(st)))
			if !status.Valid() {
				problems = append(problems, model.FieldError{Code: "status_unknown", Field: "status",
					Message: fmt.Sprintf("status %q is not one of %v", st, model.Statuses)})
				continue
			}
			lq.Statuses = append(lq.Statuses, status)
		}
	}
	lq.ExternalID = q.Get("external_id")
	if v := q.Get("needs_attention"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			problems = append(problems, model.FieldError{Code: "invalid_value", Field: "needs_attention",
				Message: "needs_attention is true or false"})
		}
		lq.NeedsAttention = &b
	}
	if v := q.Get("updated_since"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			problems = append(problems, model.FieldError{Code: "invalid_time", Field: "updated_since",
				Message: fmt.Sprintf("%q is not an RFC 3339 time; use e.g. 2026-11-20T10:00:00Z", v)})
		}
		lq.ModifiedSince = t
	}
	lq.Limit = defaultListLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > store.MaxListLimit {
			problems = append(problems, model.FieldError{Code: "out_of_range", Field: "limit",
				Message: fmt.Sprintf("limit must be an integer from 1 to %d", store.MaxListLimit)})
		}
		lq.Limit = n
	}
	return lq, problems
}

// nextPageToken is the next_cursor of a listing whose store answered next: nil on the last page.
func nextPageToken(next *store.Cursor) *string {
	if next == nil {
		return nil
	}
	c := encodeCursor(*next)
	return &c
}

// encodeCursor makes an opaque page token of a listing position: base64url("micros.id").
func encodeCursor(c store.Cursor) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.ModifiedAt.UnixMicro(), 10) + "." + c.ID))
}

func decodeCursor(s string) (*store.Cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	micros, id, ok := strings.Cut(string(b), ".")
	if !ok || id == "" || len(id) > 64 || !cleanText(id) {
		return nil, fmt.Errorf("cursor: no id")
	}
	us, err := strconv.ParseInt(micros, 10, 64)
	if err != nil || us < 0 {
		return nil, fmt.Errorf("cursor: bad time")
	}
	return &store.Cursor{ModifiedAt: time.UnixMicro(us).UTC(), ID: id}, nil
}

// confirmOrder is POST /v1/orders/{id}/confirm (R-ORD-3). The body is empty or {}.
func (s *Server) confirmOrder(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		s.fail(w, r, decodeError(err, nil, ""))
		return
	}
	if len(bytes.TrimSpace(body)) > 0 {
		var none struct{}
		if err := decodeStrict(body, &none); err != nil {
			s.fail(w, r, decodeError(err, body, ""))
			return
		}
	}
	o, err := s.deps.Orders.Confirm(r.Context(), scopeOf(r.Context()), r.PathValue("id"), order.CauseAPI)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}

// correctOrder is PATCH /v1/orders/{id}: a JSON merge patch (RFC 7396, Content-Type
// application/merge-patch+json or application/json) of what holds an order (R-ORD-6): the
// shipping address, and the customs and parcel fields of lines named by sku. A member present
// replaces, null withdraws the seller's correction (the source's value applies again), an
// absent member is kept; only values that differ from the source's become corrections, and
// only those stay over later versions of the order from its source. The checks run again at
// once. See order.Patch.
func (s *Server) correctOrder(w http.ResponseWriter, r *http.Request) {
	if !mergePatchType(r.Header.Get("Content-Type")) {
		s.fail(w, r, &apiError{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type", Field: "Content-Type",
			Message: "PATCH takes a JSON merge patch (RFC 7396): send Content-Type application/merge-patch+json or application/json"})
		return
	}
	body, err := readBody(r)
	if err != nil {
		s.fail(w, r, decodeError(err, nil, ""))
		return
	}
	var p order.Patch
	if err := decodeStrict(body, &p); err != nil {
		s.fail(w, r, decodeError(err, body, ""))
		return
	}
	p.SetNulls(body)
	o, err := s.deps.Orders.Correct(r.Context(), scopeOf(r.Context()), r.PathValue("id"), p, order.CauseAPI)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}

// mergePatchType reports whether a PATCH's Content-Type is one lastmile reads as a JSON merge
// patch; none at all is taken for JSON, as on every other route.
func mergePatchType(ct string) bool {
	if ct == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || mt == "application/merge-patch+json")
}

// cancelOrder is POST /v1/orders/{id}/cancel with {"reason":"…"}: the order is cancelled and the
// stock its allocation held is released.
func (s *Server) cancelOrder(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		s.fail(w, r, decodeError(err, nil, ""))
		return
	}
	var req struct {
		Reason string `json:"reason"`
	}
	if err := decodeStrict(body, &req); err != nil {
		s.fail(w, r, decodeError(err, body, ""))
		return
	}
	o, err := s.deps.Orders.Cancel(r.Context(), scopeOf(r.Context()), r.PathValue("id"), req.Reason, order.CauseAPI)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Give back the stock it held now rather than at the next sweep. The cancel is committed
	// either way; if this fails, the sweep releases it.
	if _, err := s.deps.Inventory.Settle(r.Context(), []string{o.ShopID}, o.ID); err != nil {
		s.deps.Log.Warn("release stock of a cancelled order: the sweep will retry", "order", o.ID, "err", err)
	}
	writeJSON(w, http.StatusOK, o)
}
