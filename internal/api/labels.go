package api

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"

	"lastmile/internal/label"
	"lastmile/internal/label/render"
	"lastmile/internal/model"
)

// maxLabelsPerRequest bounds one render request (the seller centre prints 50 at a time; a
// warehouse's batch is thousands, R-SHIP-5).
const maxLabelsPerRequest = 10_000

// renderLabels is POST /v1/labels:render?dpi=203|300&size=4x6|a6|10x15 with one label object
// or an array of them (docs/labels.md); Accept chooses the output: application/pdf (the
// default, one page a label), application/zpl (one ^XA…^XZ a label) or image/png (one label
// only). Every label is checked before anything is written, so a refusal is a 422 naming the
// label and field ("[3].to.city" in an array), and the output is the same bytes for the same
// request (R-LBL-6: a reprint is the same label).
func (s *Server) renderLabels(w http.ResponseWriter, r *http.Request) {
	f, ok := render.Negotiate(r.Header.Get("Accept"))
	if !ok {
		s.fail(w, r, &apiError{Status: http.StatusNotAcceptable, Code: "not_acceptable", Field: "Accept",
			Message: "labels render as application/pdf, application/zpl or image/png; ask for one of them in Accept"})
		return
	}
	opt := label.Options{QRMarkets: s.deps.Config.QRMarkets()} // R-LBL-5, markets.<CC>.qr_label
	var problems []model.FieldError
	var err error
	q := r.URL.Query()
	if opt.DPI, err = label.ParseDPI(q.Get("dpi")); err != nil {
		problems = append(problems, model.FieldError{Code: "dpi_unsupported", Field: "dpi", Message: err.Error()})
	}
	if opt.Size, err = label.ParseSize(q.Get("size")); err != nil {
		problems = append(problems, model.FieldError{Code: "size_unknown", Field: "size", Message: err.Error()})
	}
	if len(problems) > 0 {
		s.fail(w, r, &model.ValidationError{Problems: problems})
		return
	}

	body, err := readBody(r)
	if err != nil {
		s.fail(w, r, decodeError(err, nil, ""))
		return
	}
	labels, array, ae := decodeLabels(body)
	if ae != nil {
		s.fail(w, r, ae)
		return
	}
	if err := render.Check(f, len(labels)); err != nil {
		code := "no_labels"
		if errors.Is(err, render.ErrPNGBatch) {
			code = "batch_not_supported"
		}
		s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: code, Message: err.Error()})
		return
	}
	prepared, err := label.PrepareAll(labels, opt)
	if err != nil {
		s.fail(w, r, labelProblems(err, array))
		return
	}

	name := "labels." + f.Ext()
	if len(prepared) == 1 {
		name = "label-" + prepared[0].TrackingNumber() + "." + f.Ext()
	}
	w.Header().Set("Content-Type", f.ContentType())
	w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", name))
	w.WriteHeader(http.StatusOK)
	if err := render.Write(r.Context(), w, prepared, f); err != nil {
		// The status is sent: the client sees a cut-off body. Log why.
		s.deps.Log.Warn("writing labels", "request_id", requestID(r.Context()), "labels", len(prepared), "format", f, "err", err)
	}
}

// decodeLabels reads one label object or an array of them, strictly (unknown fields and
// trailing data refused), naming the label by its index in errors.
func decodeLabels(body []byte) (labels []label.Label, array bool, ae *apiError) {
	t := bytes.TrimSpace(body)
	if len(t) == 0 || t[0] != '[' {
		var l label.Label
		if err := decodeStrict(body, &l); err != nil {
			return nil, false, decodeError(err, body, "")
		}
		return []label.Label{l}, false, nil
	}
	var items []*label.Label
	if err := decodeStrict(body, &items); err != nil {
		return nil, true, decodeError(err, body, "")
	}
	if len(items) > maxLabelsPerRequest {
		return nil, true, &apiError{Status: http.StatusUnprocessableEntity, Code: "batch_too_large",
			Message: fmt.Sprintf("at most %d labels per request, this one has %d; split it", maxLabelsPerRequest, len(items))}
	}
	labels = make([]label.Label, len(items))
	for i, l := range items {
		if l == nil {
			field := fmt.Sprintf("[%d]", i)
			return nil, true, &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_type", Field: field,
				Message: field + " must be a label JSON object, not null"}
		}
		labels[i] = *l
	}
	return labels, true, nil
}

// labelProblems is the 422 of a batch with labels that cannot be rendered: every problem of
// every such label, each field prefixed with the label's index when the body is an array
// ("[3].to.postal_code"). The error names the first; errors[] lists them all.
func labelProblems(err error, array bool) error {
	var be *label.BatchError
	if !errors.As(err, &be) {
		return err
	}
	var all []model.FieldError
	for _, le := range be.Labels {
		var ve *model.ValidationError
		if !errors.As(le.Err, &ve) {
			return err
		}
		for _, p := range ve.Problems {
			if array {
				p.Field = fmt.Sprintf("[%d].%s", le.Index, p.Field)
			}
			all = append(all, p)
		}
	}
	if !array {
		return &model.ValidationError{Problems: all}
	}
	first := all[0]
	return &apiError{Status: http.StatusUnprocessableEntity, Code: first.Code, Field: first.Field, Details: all,
		Message: fmt.Sprintf("%d of %d labels cannot be rendered (errors lists every problem, by label index); %s: %s",
			len(be.Labels), be.Total, first.Field, first.Message)}
}
