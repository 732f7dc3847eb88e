package api

import (
	"bytes"
	"fmt"
	"net/http"

	"lastmile/internal/address"
	"lastmile/internal/model"
)

// maxAddresses bounds one validation request.
const maxAddresses = 10_000

// validateAddresses is POST /v1/addresses/validate with one address object, answered with one
// result, or {"addresses":[…]}, answered with {"results":[…]} in input order. Each result is
// {"valid","normalized","problems","remote_area"} (R-LBL-4, R-ORD-6, R-RATE-3); an invalid
// address is a result, not an error.
func (s *Server) validateAddresses(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		s.fail(w, r, decodeError(err, nil, ""))
		return
	}
	if !bytes.Contains(body, []byte(`"addresses"`)) {
		var a model.Address
		if err := decodeStrict(body, &a); err != nil {
			s.fail(w, r, decodeError(err, body, ""))
			return
		}
		writeJSON(w, http.StatusOK, address.Check(a))
		return
	}
	var req struct {
		Addresses []model.Address `json:"addresses"`
	}
	if err := decodeStrict(body, &req); err != nil {
		s.fail(w, r, decodeError(err, body, ""))
		return
	}
	if len(req.Addresses) > maxAddresses {
		s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: "batch_too_large", Field: "addresses",
			Message: fmt.Sprintf("at most %d addresses per request, this one has %d; split it", maxAddresses, len(req.Addresses))})
		return
	}
	results := make([]address.Result, len(req.Addresses))
	for i, a := range req.Addresses {
		results[i] = address.Check(a)
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": results})
}
