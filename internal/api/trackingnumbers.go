package api

import (
	"fmt"
	"net/http"

	"lastmile/internal/trackno"
)

// maxTrackingNumbers bounds one check request.
const maxTrackingNumbers = 10_000

// checkTrackingNumbers is POST /v1/tracking-numbers:check with {"numbers":[…]}: each number
// normalised, its carrier recognised and its check digit verified (R-SHIP-4), one result per
// number in input order. Invalid numbers are results, not errors.
func (s *Server) checkTrackingNumbers(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		s.fail(w, r, decodeError(err, nil, ""))
		return
	}
	var req struct {
		Numbers []string `json:"numbers"`
	}
	if err := decodeStrict(body, &req); err != nil {
		s.fail(w, r, decodeError(err, body, ""))
		return
	}
	switch {
	case req.Numbers == nil:
		s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: "missing_field", Field: "numbers",
			Message: `send {"numbers":["1Z…", …]}`})
		return
	case len(req.Numbers) > maxTrackingNumbers:
		s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: "batch_too_large", Field: "numbers",
			Message: fmt.Sprintf("at most %d numbers per request, this one has %d; split it", maxTrackingNumbers, len(req.Numbers))})
		return
	}
	results := make([]trackno.Result, len(req.Numbers))
	for i, n := range req.Numbers {
		results[i] = trackno.Check(n)
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": results})
}
