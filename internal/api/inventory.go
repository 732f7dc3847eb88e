package api

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"lastmile/internal/inventory"
	"lastmile/internal/model"
	"lastmile/internal/store"
)

// createWarehouse is POST /v1/warehouses: a new warehouse of the caller's shop (or the shop_id it
// names). 201 with the warehouse and its id.
func (s *Server) createWarehouse(w http.ResponseWriter, r *http.Request) {
	var wh model.Warehouse
	if !s.decodeBody(w, r, &wh) {
		return
	}
	out, err := s.deps.Inventory.CreateWarehouse(r.Context(), scopeOf(r.Context()), wh)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

// replaceWarehouse is PUT /v1/warehouses/{id}: the warehouse's whole configuration.
func (s *Server) replaceWarehouse(w http.ResponseWriter, r *http.Request) {
	var wh model.Warehouse
	if !s.decodeBody(w, r, &wh) {
		return
	}
	if wh.ID != "" && wh.ID != r.PathValue("id") {
		s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_value", Field: "id",
			Message: "the body's id differs from the path's; leave id out or send the same"})
		return
	}
	out, err := s.deps.Inventory.ReplaceWarehouse(r.Context(), scopeOf(r.Context()), r.PathValue("id"), wh)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// getWarehouse is GET /v1/warehouses/{id}.
func (s *Server) getWarehouse(w http.ResponseWriter, r *http.Request) {
	out, err := s.deps.Inventory.GetWarehouse(r.Context(), scopeOf(r.Context()), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// listWarehouses is GET /v1/warehouses: every warehouse of the caller's shops, by shop and code.
func (s *Server) listWarehouses(w http.ResponseWriter, r *http.Request) {
	out, err := s.deps.Inventory.ListWarehouses(r.Context(), scopeOf(r.Context()))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if out == nil {
		out = []model.Warehouse{}
	}
	writeJSON(w, http.StatusOK, struct {
		Warehouses []model.Warehouse `json:"warehouses"`
	}{out})
}

// setStock is PUT /v1/warehouses/{id}/stock/{sku} with {"on_hand":N,"safety_stock":M,"reason":"…"}:
// a stock count. The change goes through the ledger as an adjustment and a safety-stock entry.
func (s *Server) setStock(w http.ResponseWriter, r *http.Request) {
	var t inventory.Target
	if !s.decodeBody(w, r, &t) {
		return
	}
	out, err := s.deps.Inventory.SetStock(r.Context(), scopeOf(r.Context()), r.PathValue("id"), r.PathValue("sku"), t)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// recordMovement is POST /v1/inventory/movements: goods received, a count correction, a
// write-off or a return put back for sale. 201 with the level it left.
func (s *Server) recordMovement(w http.ResponseWriter, r *http.Request) {
	var e inventory.Entry
	if !s.decodeBody(w, r, &e) {
		return
	}
	out, err := s.deps.Inventory.Record(r.Context(), scopeOf(r.Context()), e)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

// listInventory is GET /v1/inventory?sku=&warehouse=&low_stock=&cursor=&limit=: stock levels by
// SKU, then warehouse. low_stock=true lists only those with nothing left to sell beyond their
// safety stock.
func (s *Server) listInventory(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	lq := inventory.LevelQuery{SKU: q.Get("sku"), WarehouseID: q.Get("warehouse")}
	var problems []model.FieldError
	lq.LowOnly, problems = parseBool(q, "low_stock", problems)
	lq.Limit, problems = parseLimit(q, problems)
	if v := q.Get("cursor"); v != "" {
		k, err := decodeStockCursor(v)
		if err != nil {
			problems = append(problems, badCursor())
		}
		lq.After = k
	}
	if len(problems) > 0 {
		s.fail(w, r, &model.ValidationError{Problems: problems})
		return
	}
	limit := lq.Limit
	lq.Limit++ // one more than the page: whether there is a next page
	levels, err := s.deps.Inventory.Levels(r.Context(), scopeOf(r.Context()), lq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	resp := struct {
		Levels     []store.StockLevel `json:"levels"`
		NextCursor *string            `json:"next_cursor"`
	}{Levels: levels}
	if len(levels) > limit {
		resp.Levels = levels[:limit]
		last := resp.Levels[limit-1]
		c := encodeStockCursor(store.StockKey{WarehouseID: last.WarehouseID, SKU: last.SKU})
		resp.NextCursor = &c
	}
	if resp.Levels == nil {
		resp.Levels = []store.StockLevel{}
	}
	writeJSON(w, http.StatusOK, resp)
}

// listMovements is GET /v1/inventory/movements?sku=&warehouse=&order_id=&cursor=&limit=: the
// stock ledger in the order it was written, each entry with the balance it left.
func (s *Server) listMovements(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := inventory.MovementFilter{SKU: q.Get("sku"), WarehouseID: q.Get("warehouse"), OrderID: q.Get("order_id")}
	var problems []model.FieldError
	f.Limit, problems = parseLimit(q, problems)
	if v := q.Get("cursor"); v != "" {
		seq, err := strconv.ParseInt(v, 10, 64)
		if err != nil || seq < 0 {
			problems = append(problems, badCursor())
		}
		f.AfterSeq = seq
	}
	if len(problems) > 0 {
		s.fail(w, r, &model.ValidationError{Problems: problems})
		return
	}
	limit := f.Limit
	f.Limit++ // one more than the page: whether there is a next page
	moves, err := s.deps.Inventory.Movements(r.Context(), scopeOf(r.Context()), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	resp := struct {
		Movements  []store.MovementRecord `json:"movements"`
		NextCursor *string                `json:"next_cursor"`
	}{Movements: moves}
	if len(moves) > limit {
		resp.Movements = moves[:limit]
		c := strconv.FormatInt(resp.Movements[limit-1].Seq, 10)
		resp.NextCursor = &c
	}
	if resp.Movements == nil {
		resp.Movements = []store.MovementRecord{}
	}
	writeJSON(w, http.StatusOK, resp)
}

// suggestSafetyStock is GET /v1/inventory/safety-stock?warehouse=&sku=&lead_time_days=
// [&lead_time_std_dev_days=&service_level=&days=]: a suggested safety stock and reorder point
// from the SKU's demand (R-INV-3). It changes nothing.
func (s *Server) suggestSafetyStock(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	req := inventory.SafetyRequest{WarehouseID: q.Get("warehouse"), SKU: q.Get("sku")}
	var problems []model.FieldError
	if req.WarehouseID == "" {
		problems = append(problems, model.FieldError{Code: "missing_field", Field: "warehouse", Message: "name the warehouse by its id"})
	}
	req.LeadTimeDays, problems = parseFloat(q, "lead_time_days", problems)
	req.LeadTimeStdDevDays, problems = parseFloat(q, "lead_time_std_dev_days", problems)
	req.ServiceLevel, problems = parseFloat(q, "service_level", problems)
	if v := q.Get("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			problems = append(problems, model.FieldError{Code: "invalid_value", Field: "days", Message: "days is a whole number of days of history"})
		}
		req.Days = n
	}
	if len(problems) > 0 {
		s.fail(w, r, &model.ValidationError{Problems: problems})
		return
	}
	out, err := s.deps.Inventory.SuggestSafetyStock(r.Context(), scopeOf(r.Context()), req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// allocateOrder is POST /v1/orders/{id}/allocate with an empty body or {"allow_split":true}:
// reserve stock in the best warehouse(s). 200 with the allocation; repeating it returns the same
// allocation. 409 insufficient_stock (or split_forbidden, no_warehouse) when it cannot be served,
// with the decision that says what is short and why each warehouse lost.
func (s *Server) allocateOrder(w http.ResponseWriter, r *http.Request) {
	var opt inventory.AllocateOptions
	if !s.decodeOptionalBody(w, r, &opt) {
		return
	}
	a, err := s.deps.Inventory.Allocate(r.Context(), scopeOf(r.Context()), r.PathValue("id"), opt)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// allocateRequest is the body of POST /v1/orders:allocate.
type allocateRequest struct {
	OrderIDs   []string `json:"order_ids"`
	AllowSplit bool     `json:"allow_split"`
}

// allocateResult is one entry of a batch allocation, in input order.
type allocateResult struct {
	OrderID    string            `json:"order_id"`
	Allocation *store.Allocation `json:"allocation,omitempty"`
	Error      *apiError         `json:"error,omitempty"`
}

// allocateOrders is POST /v1/orders:allocate with {"order_ids":[…],"allow_split":false}: up to
// 1,000 orders allocated in one transaction, in the order given, each with its own result (the
// allocation, or the error allocating it alone would have given). 200 even when some fail.
func (s *Server) allocateOrders(w http.ResponseWriter, r *http.Request) {
	var req allocateRequest
	if !s.decodeBody(w, r, &req) {
		return
	}
	if len(req.OrderIDs) == 0 {
		s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: "missing_field", Field: "order_ids",
			Message: `list the orders to allocate: {"order_ids":["ord_…"]}`})
		return
	}
	res, err := s.deps.Inventory.AllocateMany(r.Context(), scopeOf(r.Context()), req.OrderIDs, inventory.AllocateOptions{AllowSplit: req.AllowSplit})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]allocateResult, len(res))
	for i, x := range res {
		out[i].OrderID = req.OrderIDs[i]
		if x.Err != nil {
			out[i].Error = toAPIError(x.Err, requestID(r.Context()))
			if out[i].Error.Status >= 500 {
				s.deps.Log.Error("allocate in a batch", "request_id", requestID(r.Context()), "order", req.OrderIDs[i], "err", x.Err)
			}
			continue
		}
		a := x.Allocation
		out[i].Allocation = &a
	}
	writeJSON(w, http.StatusOK, struct {
		Results []allocateResult `json:"results"`
	}{out})
}

// releaseOrder is POST /v1/orders/{id}/release with an empty body or {"reason":"…"}: give back
// the stock the order's allocation holds.
func (s *Server) releaseOrder(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Reason string `json:"reason"`
	}
	if !s.decodeOptionalBody(w, r, &req) {
		return
	}
	a, err := s.deps.Inventory.Release(r.Context(), scopeOf(r.Context()), r.PathValue("id"), req.Reason)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// getAllocation is GET /v1/orders/{id}/allocation: 404 when the order has none.
func (s *Server) getAllocation(w http.ResponseWriter, r *http.Request) {
	a, err := s.deps.Inventory.GetAllocation(r.Context(), scopeOf(r.Context()), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// decodeBody reads a required JSON body into v, or writes the error and reports false.
func (s *Server) decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := readBody(r)
	if err != nil {
		s.fail(w, r, decodeError(err, nil, ""))
		return false
	}
	if err := decodeStrict(body, v); err != nil {
		s.fail(w, r, decodeError(err, body, ""))
		return false
	}
	return true
}

// decodeOptionalBody is decodeBody for a body that may be empty.
func (s *Server) decodeOptionalBody(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := readBody(r)
	if err != nil {
		s.fail(w, r, decodeError(err, nil, ""))
		return false
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return true
	}
	if err := decodeStrict(body, v); err != nil {
		s.fail(w, r, decodeError(err, body, ""))
		return false
	}
	return true
}

func parseLimit(q url.Values, problems []model.FieldError) (int, []model.FieldError) {
	v := q.Get("limit")
	if v == "" {
		return defaultListLimit, problems
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > store.MaxListLimit {
		return defaultListLimit, append(problems, model.FieldError{Code: "out_of_range", Field: "limit",
			Message: fmt.Sprintf("limit must be an integer from 1 to %d", store.MaxListLimit)})
	}
	return n, problems
}

func parseBool(q url.Values, name string, problems []model.FieldError) (bool, []model.FieldError) {
	v := q.Get(name)
	if v == "" {
		return false, problems
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, append(problems, model.FieldError{Code: "invalid_value", Field: name, Message: name + " is true or false"})
	}
	return b, problems
}

func parseFloat(q url.Values, name string, problems []model.FieldError) (float64, []model.FieldError) {
	v := q.Get(name)
	if v == "" {
		return 0, problems
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, append(problems, model.FieldError{Code: "invalid_value", Field: name, Message: name + " is a number, e.g. 12 or 0.95"})
	}
	return f, problems
}

func badCursor() model.FieldError {
	return model.FieldError{Code: "invalid_cursor", Field: "cursor",
		Message: "cursor is not one this API returned; pass next_cursor from the previous page unchanged"}
}

// encodeStockCursor makes an opaque page token of a stock listing position: base64url("sku\x00warehouse").
func encodeStockCursor(k store.StockKey) string {
	return base64.RawURLEncoding.EncodeToString([]byte(k.SKU + "\x00" + k.WarehouseID))
}

func decodeStockCursor(s string) (*store.StockKey, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	sku, wh, ok := strings.Cut(string(b), "\x00")
	if !ok || sku == "" || wh == "" || len(b) > 256 || !cleanText(sku) || !cleanText(wh) {
		return nil, fmt.Errorf("stock cursor: malformed")
	}
	return &store.StockKey{WarehouseID: wh, SKU: sku}, nil
}
