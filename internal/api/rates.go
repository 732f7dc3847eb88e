package api

import (
	"errors"
	"net/http"
	"strconv"

	"lastmile/internal/rating"
)

// rateOrder is POST /v1/rates?policy=cheapest|fastest|best_value&best_value_pct=N: quote one
// order (the order JSON with optional package, options, monthly_parcels, boxes and handover)
// against the embedded rate cards and select a service by policy (R-RATE-1…8, R-SLA-1,
// R-SHIP-3). A service that is not eligible is a quote with reasons, not an error; "selected"
// is null when none is. It reads and writes no shop's data.
func (s *Server) rateOrder(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		s.fail(w, r, decodeError(err, nil, ""))
		return
	}
	var qr rating.QuoteRequest
	if err := decodeStrict(body, &qr); err != nil {
		s.fail(w, r, decodeError(err, body, ""))
		return
	}
	opt := rating.QuoteOptions{BestValuePct: rating.DefaultBestValuePct, Now: s.deps.Now()}
	q := r.URL.Query()
	if opt.Policy, err = rating.ParsePolicy(q.Get("policy")); err != nil {
		s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_policy", Field: "policy", Message: err.Error()})
		return
	}
	if v := q.Get("best_value_pct"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 10_000 {
			s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_policy", Field: "best_value_pct",
				Message: "best_value_pct must be a whole number of percent from 0 to 10000"})
			return
		}
		opt.BestValuePct = n
	}
	cards, err := s.rateCards()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	resp, err := rating.QuoteOrder(cards, &qr, s.deps.Config.Markets, opt)
	if errors.Is(err, rating.ErrNoBoxFits) {
		s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: "no_box_fits", Field: "boxes", Message: err.Error()})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}
