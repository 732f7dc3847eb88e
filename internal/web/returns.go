package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"lastmile/internal/i18n"
	"lastmile/internal/model"
	"lastmile/internal/returns"
)

// maxFormLines bounds the lines one receive form may carry.
const maxFormLines = 200

// receivable reports whether a return's parcel may be received and inspected (the statuses
// internal/returns accepts).
func receivable(r model.Return) bool {
	return slices.Contains([]model.ReturnStatus{model.ReturnAwaitingBuyerShip, model.ReturnBuyerShipped, model.ReturnCompleted}, r.Status)
}

// inspectionOutcomes are the outcomes the receive form offers per line (R-RET-5).
var inspectionOutcomes = []model.InspectionOutcome{model.InspectRestock, model.InspectRefurbish, model.InspectWriteOff}

// receiveReturn records the return's parcel as received and the inspection of its lines from
// the form (per line i: sku_i, qty_i, outcome_i, note_i; a line without an outcome is not
// inspected), through internal/returns, which moves the stock.
func (h *Handler) receiveReturn(w http.ResponseWriter, q *request) {
	var req returns.ReceiveRequest
	var problems []model.FieldError
	for i := range maxFormLines {
		n := strconv.Itoa(i)
		sku, ok := q.r.PostForm["sku_"+n]
		if !ok {
			break
		}
		outcome := strings.TrimSpace(q.r.PostForm.Get("outcome_" + n))
		if outcome == "" {
			continue
		}
		qty, err := strconv.ParseInt(strings.TrimSpace(q.r.PostForm.Get("qty_"+n)), 10, 64)
		if err != nil {
			problems = append(problems, model.FieldError{Code: "invalid_value", Field: "qty_" + n,
				Message: "the quantity of " + sku[0] + " must be a whole number"})
			continue
		}
		req.Lines = append(req.Lines, returns.Inspected{SKU: sku[0], Quantity: qty, Outcome: model.InspectionOutcome(outcome),
			Note: strings.TrimSpace(q.r.PostForm.Get("note_" + n))})
	}
	if len(problems) > 0 {
		h.fail(w, q, &model.ValidationError{Problems: problems})
		return
	}
	if _, err := h.d.Returns.Receive(q.r.Context(), q.scope(), q.r.PathValue("id"), req); err != nil {
		h.fail(w, q, err)
		return
	}
	redirect(w, q.r, "/returns", i18n.T(q.lang, "web.returns.received", nil))
}
