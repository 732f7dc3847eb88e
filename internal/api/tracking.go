package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/sla"
	"lastmile/internal/store"
	"lastmile/internal/tracker"
	"lastmile/internal/tracking"
)

// trackingRoutes are the routes of tracking, clocks, exceptions and scores (issue 12).
func (s *Server) trackingRoutes() []route {
	return []route{
		{pattern: "POST /v1/tracking-events:batch", handle: s.withTracker(s.ingestTrackingEvents)},
		{pattern: "POST /webhooks/carriers/{carrier}", public: true, handle: s.withTracker(s.carrierWebhook)},
		{pattern: "GET /v1/shipments/{id}/tracking", handle: s.withTracker(s.shipmentTracking)},
		{pattern: "GET /v1/orders/{id}/deadlines", handle: s.withTracker(s.orderDeadlines)},
		{pattern: "GET /v1/exceptions", handle: s.withTracker(s.listExceptions)},
		{pattern: "POST /v1/exceptions/{id}/resolve", handle: s.withTracker(s.resolveException)},
		{pattern: "GET /v1/alerts", handle: s.withTracker(s.listAlerts)},
		{pattern: "GET /v1/scores", handle: s.withTracker(s.getScores)},
	}
}

// withTracker answers 501 when the server runs without the tracking service.
func (s *Server) withTracker(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.deps.Tracker == nil {
			s.fail(w, r, &apiError{Status: http.StatusNotImplemented, Code: "not_configured",
				Message: "tracking is not configured on this server"})
			return
		}
		h(w, r)
	}
}

// trackingEventIn is one event of POST /v1/tracking-events:batch.
type trackingEventIn struct {
	TrackingNumber string    `json:"tracking_number"`
	Carrier        string    `json:"carrier"`
	Code           string    `json:"code"`
	Description    string    `json:"description"`
	OccurredAt     time.Time `json:"occurred_at"`
	Location       *struct {
		City       string `json:"city"`
		Region     string `json:"region"`
		PostalCode string `json:"postal_code"`
		Country    string `json:"country"`
	} `json:"location"`
}

// trackingResult is one event's result, in input order.
type trackingResult struct {
	Index      int             `json:"index"`
	Outcome    string          `json:"outcome,omitempty"`
	ShipmentID string          `json:"shipment_id,omitempty"`
	OrderID    string          `json:"order_id,omitempty"`
	Status     tracking.Status `json:"status,omitempty"`
	Reason     tracking.Reason `json:"reason,omitempty"`
	Error      *apiError       `json:"error,omitempty"`
}

// ingestTrackingEvents is POST /v1/tracking-events:batch: up to 10,000 carrier events, each
// with its own result in input order (created, duplicate, no_shipment, or an error naming the
// field). Statuses, milestones, order statuses and clocks change in the same transaction.
func (s *Server) ingestTrackingEvents(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		s.fail(w, r, decodeError(err, nil, ""))
		return
	}
	raws, missing, err := splitMember(body, "events")
	if err != nil {
		s.fail(w, r, decodeError(err, body, ""))
		return
	}
	switch {
	case missing:
		s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: "missing_field", Field: "events",
			Message: `send {"events":[…]} with one event object per element: tracking_number, carrier, code, occurred_at`})
		return
	case len(raws) > tracker.MaxBatch:
		s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: "batch_too_large", Field: "events",
			Message: fmt.Sprintf("a batch holds at most %d events, this one %d; split it", tracker.MaxBatch, len(raws))})
		return
	}
	results := make([]trackingResult, len(raws))
	events := make([]tracking.Event, 0, len(raws))
	index := make([]int, 0, len(raws))
	for i, raw := range raws {
		results[i].Index = i
		if bytes.Equal(raw, []byte("null")) {
			results[i].Error = &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_type",
				Message: "a batch item must be an event object, not null"}
			continue
		}
		var in trackingEventIn
		if err := decodeStrict(raw, &in); err != nil {
			results[i].Error = decodeError(err, raw, "")
			continue
		}
		e := tracking.Event{TrackingNumber: strings.TrimSpace(in.TrackingNumber), Carrier: strings.TrimSpace(in.Carrier),
			RawCode: in.Code, Description: in.Description, OccurredAt: in.OccurredAt}
		if in.Location != nil {
			e.Location = tracking.Location{City: in.Location.City, Region: in.Location.Region, PostalCode: in.Location.PostalCode,
				Country: in.Location.Country}
		}
		events = append(events, e)
		index = append(index, i)
	}
	res, err := s.deps.Tracker.Ingest(r.Context(), scopeOf(r.Context()).ShopIDs, events)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for j, it := range res {
		out := &results[index[j]]
		if it.Err != nil {
			out.Error = eventError(it.Err)
			continue
		}
		out.Outcome, out.ShipmentID, out.OrderID, out.Status, out.Reason = it.Outcome, it.ShipmentID, it.OrderID, it.Status, it.Reason
		if it.Outcome == store.TrackingNoShipment {
			out.Error = &apiError{Status: http.StatusNotFound, Code: "no_shipment", Field: "tracking_number",
				Message: "no shipment of this key's shops has this carrier and tracking number; buy the label in lastmile or check the carrier code"}
		}
	}
	writeJSON(w, http.StatusOK, struct {
		Results []trackingResult `json:"results"`
	}{results})
}

// eventError is an invalid event's error.
func eventError(err error) *apiError {
	var fe *tracking.FieldError
	if errors.As(err, &fe) {
		return &apiError{Status: http.StatusUnprocessableEntity, Code: fe.Code, Field: fe.Field, Message: fe.Message + " (R-TRK-8)"}
	}
	return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_event", Message: err.Error()}
}

// carrierWebhook is POST /webhooks/carriers/{carrier}: a carrier account's signed tracking
// push. A forged or altered delivery, or one signed outside the 5-minute window, is 401; a
// delivery taken already (a replay inside the window) is 409. Neither stores anything.
func (s *Server) carrierWebhook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		s.fail(w, r, decodeError(err, nil, ""))
		return
	}
	res, err := s.deps.Tracker.Webhook(r.Context(), r.PathValue("carrier"), r.Header.Get, body)
	switch {
	case errors.Is(err, tracker.ErrWebhookRefused):
		s.fail(w, r, &apiError{Status: http.StatusUnauthorized, Code: "webhook_signature", Field: "signature",
			Message: err.Error() + "; sign the body with the carrier account's secret and send it at once (docs/tracking.md)"})
		return
	case errors.Is(err, tracker.ErrWebhookReplay):
		s.fail(w, r, &apiError{Status: http.StatusConflict, Code: "webhook_replay", Field: "body",
			Message: err.Error() + "; a delivery is taken once, send new events in a new delivery (docs/tracking.md)"})
		return
	case errors.Is(err, tracker.ErrWebhookBody):
		s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: "webhook_body", Message: err.Error()})
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"events": res.Events, "created": res.Created, "duplicates": res.Duplicates,
		"unmatched": res.Unmatched})
}

// shipmentTracking is GET /v1/shipments/{id}/tracking.
func (s *Server) shipmentTracking(w http.ResponseWriter, r *http.Request) {
	v, err := s.deps.Tracker.Tracking(r.Context(), scopeOf(r.Context()).ShopIDs, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// orderDeadlines is GET /v1/orders/{id}/deadlines.
func (s *Server) orderDeadlines(w http.ResponseWriter, r *http.Request) {
	ds, err := s.deps.Tracker.Deadlines(r.Context(), scopeOf(r.Context()).ShopIDs, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		OrderID   string                 `json:"order_id"`
		Deadlines []tracker.DeadlineView `json:"deadlines"`
	}{r.PathValue("id"), ds})
}

// exceptionTypes are the types of the exceptions queue.
var exceptionTypes = []tracking.Reason{
	tracking.ReasonStale, tracking.ReasonLost, tracking.ReasonRefused, tracking.ReasonMisdelivered, tracking.ReasonDamaged,
	tracking.ReasonCustomsHold, tracking.ReasonAddressProblem, tracking.ReasonDelayed, tracking.ReasonLate,
	tracking.ReasonReturningToSender,
}

// listExceptions is GET /v1/exceptions?type=&carrier=&open=&limit=&after=.
func (s *Server) listExceptions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var problems []model.FieldError
	eq := store.ExceptionQuery{ShopIDs: scopeOf(r.Context()).ShopIDs, Type: q.Get("type"), Carrier: q.Get("carrier"), AfterID: q.Get("after")}
	found := eq.Type == ""
	for _, t := range exceptionTypes {
		found = found || string(t) == eq.Type
	}
	if !found {
		problems = append(problems, model.FieldError{Code: "invalid_value", Field: "type",
			Message: fmt.Sprintf("type %q is not one of %v", eq.Type, exceptionTypes)})
	}
	eq.Open, problems = parseBool(q, "open", problems)
	eq.Limit, problems = parseLimit(q, problems)
	if len(problems) > 0 {
		s.fail(w, r, &model.ValidationError{Problems: problems})
		return
	}
	xs, err := s.deps.Tracker.Exceptions(r.Context(), eq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Exceptions []tracker.ExceptionView `json:"exceptions"`
	}{xs})
}

// resolveException is POST /v1/exceptions/{id}/resolve with {"note": "…"}.
func (s *Server) resolveException(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		s.fail(w, r, decodeError(err, nil, ""))
		return
	}
	var in struct {
		Note string `json:"note"`
	}
	if err := decodeStrict(body, &in); err != nil {
		s.fail(w, r, decodeError(err, body, ""))
		return
	}
	if strings.TrimSpace(in.Note) == "" || len(in.Note) > tracker.MaxNoteLen {
		s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_value", Field: "note",
			Message: fmt.Sprintf("say what was done, in 1 to %d bytes: \"claim filed with the carrier\"", tracker.MaxNoteLen)})
		return
	}
	x, err := s.deps.Tracker.Resolve(r.Context(), scopeOf(r.Context()).ShopIDs, r.PathValue("id"), in.Note)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, x)
}

// listAlerts is GET /v1/alerts?kind=at_risk|breached&order_id=&limit=&before=.
func (s *Server) listAlerts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var problems []model.FieldError
	aq := store.AlertQuery{ShopIDs: scopeOf(r.Context()).ShopIDs, Kind: q.Get("kind"), OrderID: q.Get("order_id"), BeforeID: q.Get("before")}
	if aq.Kind != "" && aq.Kind != string(sla.AlertAtRisk) && aq.Kind != string(sla.AlertBreached) {
		problems = append(problems, model.FieldError{Code: "invalid_value", Field: "kind", Message: "kind is at_risk or breached"})
	}
	aq.Limit, problems = parseLimit(q, problems)
	if len(problems) > 0 {
		s.fail(w, r, &model.ValidationError{Problems: problems})
		return
	}
	as, err := s.deps.Tracker.Alerts(r.Context(), aq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Alerts []tracker.AlertView `json:"alerts"`
	}{as})
}

// getScores is GET /v1/scores?period=2026-W49|7d|30d&group_by=carrier|lane|market|shop.
func (s *Server) getScores(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	period := q.Get("period")
	now := s.deps.Now().UTC()
	if period == "" {
		y, wk := now.ISOWeek()
		period = fmt.Sprintf("%04d-W%02d", y, wk)
	}
	if _, err := sla.ParsePeriod(period, now, time.UTC); err != nil {
		s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_value", Field: "period",
			Message: err.Error()})
		return
	}
	by, err := sla.ParseGroupBy(q.Get("group_by"))
	if err != nil {
		s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_value", Field: "group_by", Message: err.Error()})
		return
	}
	rep, err := s.deps.Tracker.Scores(r.Context(), scopeOf(r.Context()).ShopIDs, period, by)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}
