package api

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"lastmile/internal/label"
	"lastmile/internal/model"
	"lastmile/internal/shipping"
	"lastmile/internal/store"
)

// shipOrder is POST /v1/orders/{id}/ship with {"policy":"cheapest|fastest|best_value"} and
// optionally carrier, service, confirm and allow_split: the whole ship workflow for one order,
// answered with its live shipments. Shipping a shipped order returns its shipments again.
func (s *Server) shipOrder(w http.ResponseWriter, r *http.Request) {
	var opt shipping.Options
	if !s.decodeOptional(w, r, &opt) {
		return
	}
	res, err := s.deps.Shipping.Ship(r.Context(), scopeOf(r.Context()), r.PathValue("id"), opt)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// decodeOptional decodes a body that may be empty into v; it answers the error itself.
func (s *Server) decodeOptional(w http.ResponseWriter, r *http.Request, v any) bool {
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

// shipBatch is POST /v1/shipments:batch with {"order_ids":[…]} or {"filter":{"ready":true}}
// and the ship options: 202 with the batch at once; the job engine ships the orders.
func (s *Server) shipBatch(w http.ResponseWriter, r *http.Request) {
	var req shipping.BatchRequest
	body, err := readBody(r)
	if err != nil {
		s.fail(w, r, decodeError(err, nil, ""))
		return
	}
	if err := decodeStrict(body, &req); err != nil {
		s.fail(w, r, decodeError(err, body, ""))
		return
	}
	b, err := s.deps.Shipping.CreateBatch(r.Context(), scopeOf(r.Context()), req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/v1/batches/"+b.ID)
	writeJSON(w, http.StatusAccepted, b)
}

// getBatch is GET /v1/batches/{id}: status and counts.
func (s *Server) getBatch(w http.ResponseWriter, r *http.Request) {
	b, err := s.deps.Shipping.Batch(r.Context(), scopeOf(r.Context()), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, b)
}

// batchResultLine is one line of GET /v1/batches/{id}/results.
type batchResultLine struct {
	OrderID         string            `json:"order_id"`
	Outcome         model.ItemOutcome `json:"outcome"`
	ShipmentID      string            `json:"shipment_id,omitempty"`
	TrackingNumber  string            `json:"tracking_number,omitempty"`
	ShipmentIDs     []string          `json:"shipment_ids,omitempty"`
	TrackingNumbers []string          `json:"tracking_numbers,omitempty"`
	Error           *model.FieldError `json:"error,omitempty"`
}

// batchResults is GET /v1/batches/{id}/results: JSON lines, one per order in request order,
// streamed page by page in bounded memory. Pending orders say so.
func (s *Server) batchResults(w http.ResponseWriter, r *http.Request) {
	id, sc := r.PathValue("id"), scopeOf(r.Context())
	items, err := s.deps.Shipping.BatchItems(r.Context(), sc, id, -1, store.MaxQueryRows)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for len(items) > 0 {
		for _, it := range items {
			line := batchResultLine{OrderID: it.OrderID, Outcome: it.Outcome, ShipmentIDs: it.ShipmentIDs,
				TrackingNumbers: it.TrackingNumbers, Error: it.Error}
			if len(it.ShipmentIDs) > 0 {
				line.ShipmentID = it.ShipmentIDs[0]
			}
			if len(it.TrackingNumbers) > 0 {
				line.TrackingNumber = it.TrackingNumbers[0]
			}
			if err := enc.Encode(line); err != nil {
				return // the client went away
			}
		}
		if len(items) < store.MaxQueryRows {
			break
		}
		if items, err = s.deps.Shipping.BatchItems(r.Context(), sc, id, items[len(items)-1].Seq, store.MaxQueryRows); err != nil {
			s.deps.Log.Warn("batch results", "request_id", requestID(r.Context()), "batch_id", id, "err", err)
			break
		}
	}
	bw.Flush()
}

// batchLabels is GET /v1/batches/{id}/labels?format=pdf|zpl&dpi=203|300: every label the batch
// bought, in request order, as one document streamed in bounded memory.
func (s *Server) batchLabels(w http.ResponseWriter, r *http.Request) {
	format, dpi, ok := s.labelParams(w, r, "pdf")
	if !ok {
		return
	}
	if format == "png" {
		s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: "batch_not_supported", Field: "format",
			Message: "a PNG holds one label; download a batch as pdf or zpl"})
		return
	}
	id := r.PathValue("id")
	b, err := s.deps.Shipping.Batch(r.Context(), scopeOf(r.Context()), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", contentTypeOf(format))
	w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", b.ID+"-labels."+format))
	if err := s.deps.Shipping.WriteBatchLabels(r.Context(), scopeOf(r.Context()), id, format, dpi, w); err != nil {
		s.deps.Log.Warn("batch labels", "request_id", requestID(r.Context()), "batch_id", id, "err", err)
	}
}

// labelParams reads format (pdf, zpl, png; def when absent) and dpi (203, 300).
func (s *Server) labelParams(w http.ResponseWriter, r *http.Request, def string) (string, int, bool) {
	q := r.URL.Query()
	format := strings.ToLower(q.Get("format"))
	if format == "" {
		format = def
	}
	var problems []model.FieldError
	if format != "pdf" && format != "zpl" && format != "png" {
		problems = append(problems, model.FieldError{Code: "format_unsupported", Field: "format", Message: "format is pdf, zpl or png"})
	}
	dpi, err := label.ParseDPI(q.Get("dpi"))
	if err != nil {
		problems = append(problems, model.FieldError{Code: "dpi_unsupported", Field: "dpi", Message: err.Error()})
	}
	if len(problems) > 0 {
		s.fail(w, r, &model.ValidationError{Problems: problems})
		return "", 0, false
	}
	return format, dpi, true
}

func contentTypeOf(format string) string {
	switch format {
	case "zpl":
		return "application/zpl"
	case "png":
		return "image/png"
	}
	return "application/pdf"
}

// listShipments is GET /v1/shipments?order_id=&status=&carrier=&batch_id=&limit=&cursor=.
func (s *Server) listShipments(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	sq := store.ShipmentQuery{ShopIDs: scopeOf(r.Context()).ShopIDs, OrderID: q.Get("order_id"), Carrier: q.Get("carrier"),
		BatchID: q.Get("batch_id"), WarehouseID: q.Get("warehouse_id"), Limit: defaultListLimit}
	var problems []model.FieldError
	for _, v := range q["status"] {
		for _, st := range strings.Split(v, ",") {
			status := model.ShipmentStatus(strings.ToLower(strings.TrimSpace(st)))
			if !validShipmentStatus(status) {
				problems = append(problems, model.FieldError{Code: "status_unknown", Field: "status",
					Message: fmt.Sprintf("status %q is not one of %v", st, model.ShipmentStatuses)})
				continue
			}
			sq.Statuses = append(sq.Statuses, status)
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > store.MaxListLimit {
			problems = append(problems, model.FieldError{Code: "out_of_range", Field: "limit",
				Message: fmt.Sprintf("limit must be an integer from 1 to %d", store.MaxListLimit)})
		}
		sq.Limit = n
	}
	if v := q.Get("cursor"); v != "" {
		c, err := decodeCursor(v)
		if err != nil {
			problems = append(problems, model.FieldError{Code: "invalid_cursor", Field: "cursor",
				Message: "cursor is the next_cursor of the previous page, unchanged"})
		}
		sq.After = c
	}
	if len(problems) > 0 {
		s.fail(w, r, &model.ValidationError{Problems: problems})
		return
	}
	list, err := s.deps.Shipping.Shipments(r.Context(), sq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	resp := struct {
		Shipments  []model.Shipment `json:"shipments"`
		NextCursor *string          `json:"next_cursor"`
	}{Shipments: list}
	if resp.Shipments == nil {
		resp.Shipments = []model.Shipment{}
	}
	if len(list) == sq.Limit {
		last := list[len(list)-1]
		c := encodeCursor(store.Cursor{ModifiedAt: last.CreatedAt, ID: last.ID})
		resp.NextCursor = &c
	}
	writeJSON(w, http.StatusOK, resp)
}

func validShipmentStatus(st model.ShipmentStatus) bool {
	for _, v := range model.ShipmentStatuses {
		if v == st {
			return true
		}
	}
	return false
}

// getShipment is GET /v1/shipments/{id}.
func (s *Server) getShipment(w http.ResponseWriter, r *http.Request) {
	sh, err := s.deps.Shipping.Shipment(r.Context(), scopeOf(r.Context()), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sh)
}

// shipmentLabel is GET /v1/shipments/{id}/label?format=zpl|pdf|png&dpi=203|300: the same bytes
// on every call (R-LBL-6). A carrier's own label document is returned as the carrier issued it
// (R-SHIP-2), in its own format.
func (s *Server) shipmentLabel(w http.ResponseWriter, r *http.Request) {
	format, dpi, ok := s.labelParams(w, r, "pdf")
	if !ok {
		return
	}
	doc, err := s.deps.Shipping.Label(r.Context(), scopeOf(r.Context()), r.PathValue("id"), format, dpi)
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

// voidShipment is POST /v1/shipments/{id}/void: refund the label before hand-over.
func (s *Server) voidShipment(w http.ResponseWriter, r *http.Request) {
	var none struct{}
	if !s.decodeOptional(w, r, &none) {
		return
	}
	sh, err := s.deps.Shipping.Void(r.Context(), scopeOf(r.Context()), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sh)
}

// createManifest is POST /v1/manifests {"carrier","warehouse_id","pickup"?}: the end-of-day
// manifest of the carrier's labelled parcels at the warehouse (R-SHIP-5).
func (s *Server) createManifest(w http.ResponseWriter, r *http.Request) {
	var req shipping.ManifestRequest
	body, err := readBody(r)
	if err != nil {
		s.fail(w, r, decodeError(err, nil, ""))
		return
	}
	if err := decodeStrict(body, &req); err != nil {
		s.fail(w, r, decodeError(err, body, ""))
		return
	}
	m, err := s.deps.Shipping.CreateManifest(r.Context(), scopeOf(r.Context()), req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, m)
}

// getManifest is GET /v1/manifests/{id}.
func (s *Server) getManifest(w http.ResponseWriter, r *http.Request) {
	m, err := s.deps.Shipping.Manifest(r.Context(), scopeOf(r.Context()), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

// manifestDocument is GET /v1/manifests/{id}/document?format=pdf|csv: the scan form the
// driver signs (PDF) or its rows (CSV).
func (s *Server) manifestDocument(w http.ResponseWriter, r *http.Request) {
	format := strings.ToLower(r.URL.Query().Get("format"))
	if format == "" {
		format = "pdf"
	}
	if format != "pdf" && format != "csv" {
		s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: "format_unsupported", Field: "format",
			Message: "a manifest downloads as pdf (the scan form) or csv"})
		return
	}
	var buf bytes.Buffer
	if err := s.deps.Shipping.WriteManifest(r.Context(), scopeOf(r.Context()), r.PathValue("id"), format, &buf); err != nil {
		s.fail(w, r, err)
		return
	}
	ct := "application/pdf"
	if format == "csv" {
		ct = "text/csv; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", r.PathValue("id")+"."+format))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}

// handOverManifest is POST /v1/manifests/{id}/handover: the carrier took the parcels.
func (s *Server) handOverManifest(w http.ResponseWriter, r *http.Request) {
	var none struct{}
	if !s.decodeOptional(w, r, &none) {
		return
	}
	m, err := s.deps.Shipping.HandOver(r.Context(), scopeOf(r.Context()), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}
