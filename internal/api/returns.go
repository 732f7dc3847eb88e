package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/returns"
)

// createReturn is POST /v1/returns {"order_id","lines":[{"sku","quantity"}],"reason"}: the
// return is recorded and decided by the shop's rules (R-RET-2); 201 with it, or 200 with the
// return an earlier request with the same external_id made.
func (s *Server) createReturn(w http.ResponseWriter, r *http.Request) {
	var req returns.CreateRequest
	body, err := readBody(r)
	if err != nil {
		s.fail(w, r, decodeError(err, nil, ""))
		return
	}
	if err := decodeStrict(body, &req); err != nil {
		s.fail(w, r, decodeError(err, body, ""))
		return
	}
	ret, created, err := s.deps.Returns.Create(r.Context(), scopeOf(r.Context()), req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	w.Header().Set("Location", "/v1/returns/"+ret.ID)
	writeJSON(w, status, ret)
}

// listReturns is GET /v1/returns?status=&order_id=&tracking_number=&rma=&from=&to=&limit=&cursor=:
// a page of returns, oldest first; tracking_number or rma finds the return a warehouse scanned.
func (s *Server) listReturns(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	lq := returns.ListQuery{OrderID: q.Get("order_id"), TrackingNumber: q.Get("tracking_number"), RMA: strings.TrimSpace(q.Get("rma"))}
	var problems []model.FieldError
	for _, v := range q["status"] {
		for _, st := range strings.Split(v, ",") {
			status := model.ReturnStatus(strings.ToUpper(strings.TrimSpace(st)))
			if !status.Valid() {
				problems = append(problems, model.FieldError{Code: "status_unknown", Field: "status",
					Message: fmt.Sprintf("status %q is not one of %v", st, model.ReturnStatuses)})
				continue
			}
			lq.Statuses = append(lq.Statuses, status)
		}
	}
	for _, p := range []struct {
		name string
		to   *time.Time
	}{{"from", &lq.From}, {"to", &lq.To}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				problems = append(problems, model.FieldError{Code: "invalid_time", Field: p.name,
					Message: fmt.Sprintf("%q is not an RFC 3339 time; use e.g. 2026-11-01T00:00:00Z", v)})
			}
			*p.to = t
		}
	}
	lq.Limit, problems = parseLimit(q, problems)
	if v := q.Get("cursor"); v != "" {
		c, err := decodeCursor(v)
		if err != nil {
			problems = append(problems, model.FieldError{Code: "invalid_cursor", Field: "cursor",
				Message: "cursor is the next_cursor of the previous page, unchanged"})
		}
		lq.After = c
	}
	if len(problems) > 0 {
		s.fail(w, r, &model.ValidationError{Problems: problems})
		return
	}
	list, next, err := s.deps.Returns.List(r.Context(), scopeOf(r.Context()), lq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	resp := struct {
		Returns    []model.Return `json:"returns"`
		NextCursor *string        `json:"next_cursor"`
	}{Returns: list, NextCursor: nextPageToken(next)}
	writeJSON(w, http.StatusOK, resp)
}

// getReturn is GET /v1/returns/{id}.
func (s *Server) getReturn(w http.ResponseWriter, r *http.Request) {
	ret, err := s.deps.Returns.Get(r.Context(), scopeOf(r.Context()), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ret)
}

// decideReturn is POST /v1/returns/{id}/decide {"kind":"refund_only|return|review|reject",
// "reason"}: a person's decision, carried out; an empty body confirms the rules' decision.
func (s *Server) decideReturn(w http.ResponseWriter, r *http.Request) {
	var req returns.DecideRequest
	if !s.decodeOptional(w, r, &req) {
		return
	}
	ret, err := s.deps.Returns.Decide(r.Context(), scopeOf(r.Context()), r.PathValue("id"), req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ret)
}

// receiveReturn is POST /v1/returns/{id}/receive {"warehouse_id"?,"lines"?:[{"sku","quantity",
// "outcome","note"}]}: the parcel was scanned in at the warehouse, and its lines inspected.
func (s *Server) receiveReturn(w http.ResponseWriter, r *http.Request) {
	var req returns.ReceiveRequest
	if !s.decodeOptional(w, r, &req) {
		return
	}
	ret, err := s.deps.Returns.Receive(r.Context(), scopeOf(r.Context()), r.PathValue("id"), req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ret)
}

// returnLabel is GET /v1/returns/{id}/label?format=pdf|zpl|png&dpi=203|300: the return label,
// the same bytes on every call (R-LBL-6).
func (s *Server) returnLabel(w http.ResponseWriter, r *http.Request) {
	format, dpi, ok := s.labelParams(w, r, "pdf")
	if !ok {
		return
	}
	doc, err := s.deps.Returns.Label(r.Context(), scopeOf(r.Context()), r.PathValue("id"), format, dpi)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", doc.ContentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", doc.ShipmentID+"."+doc.Format))
	w.Header().Set("Content-Length", strconv.Itoa(len(doc.Content)))
	w.WriteHeader(http.StatusOK)
	w.Write(doc.Content)
}

// returnStats is GET /v1/returns/stats?period=30d|2026-W48|2026-11&group_by=sku|carrier|reason:
// the return rate and its causes (R-RET-5).
func (s *Server) returnStats(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	st, err := s.deps.Returns.Stats(r.Context(), scopeOf(r.Context()), returns.StatsRequest{ShopID: q.Get("shop_id"),
		Period: q.Get("period"), GroupBy: q.Get("group_by")})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// getReturnRules is GET /v1/returns/rules?shop_id=: the shop's refund-without-return rules, or
// the defaults it runs on (default_rules true).
func (s *Server) getReturnRules(w http.ResponseWriter, r *http.Request) {
	v, err := s.deps.Returns.Rules(r.Context(), scopeOf(r.Context()), r.URL.Query().Get("shop_id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// putReturnRules is PUT /v1/returns/rules?shop_id=: replace the shop's rules (R-RET-2).
func (s *Server) putReturnRules(w http.ResponseWriter, r *http.Request) {
	var rs model.ReturnRules
	body, err := readBody(r)
	if err != nil {
		s.fail(w, r, decodeError(err, nil, ""))
		return
	}
	if err := decodeStrict(body, &rs); err != nil {
		s.fail(w, r, decodeError(err, body, ""))
		return
	}
	v, err := s.deps.Returns.SetRules(r.Context(), scopeOf(r.Context()), r.URL.Query().Get("shop_id"), rs)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// dryRunReturnRules is POST /v1/returns/rules:dry-run {"rules":{…},"from","to"}: what the
// period's returns (default last month) would have cost under the proposed rules, against the
// current ones.
func (s *Server) dryRunReturnRules(w http.ResponseWriter, r *http.Request) {
	var req returns.DryRunRequest
	body, err := readBody(r)
	if err != nil {
		s.fail(w, r, decodeError(err, nil, ""))
		return
	}
	if err := decodeStrict(body, &req); err != nil {
		ae := decodeError(err, body, "")
		if ae.Code == "invalid_time" {
			ae.Field = badTimeOf(body, "from", "to")
		}
		s.fail(w, r, ae)
		return
	}
	rep, err := s.deps.Returns.DryRun(r.Context(), scopeOf(r.Context()), req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// badTimeOf names the first of the body's time fields that is not an RFC 3339 time.
func badTimeOf(body []byte, names ...string) string {
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil {
		return ""
	}
	for _, n := range names {
		var t *time.Time
		if raw, ok := fields[n]; ok && json.Unmarshal(raw, &t) != nil {
			return n
		}
	}
	return ""
}
