package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"lastmile/internal/inventory"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/returns"
	"lastmile/internal/shipping"
)

// apiError is the client-safe error: a stable code, a message that says what to fix, and the
// field it concerns. It is what every non-2xx response carries.
type apiError struct {
	Status  int                `json:"-"`
	Code    string             `json:"code"`
	Message string             `json:"message"`
	Field   string             `json:"field,omitempty"`
	Details []model.FieldError `json:"-"`
	// Decision explains an allocation that could not be made: what is short, and why each
	// warehouse was ruled out.
	Decision *model.Decision `json:"decision,omitempty"`
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// errorBody is {"error":{…}} and, when there are several problems, "errors":[…] with all of them.
type errorBody struct {
	Error  *apiError          `json:"error"`
	Errors []model.FieldError `json:"errors,omitempty"`
}

// toAPIError maps a domain or decoding error to what the client sees. Unknown errors become a 500
// whose message names the request id, never the internal error text.
func toAPIError(err error, requestID string) *apiError {
	var (
		ae  *apiError
		ve  *model.ValidationError
		te  *order.TransitionError
		xe  *order.ActionError
		he  *order.HeldError
		cte *inventory.CodeTakenError
		ue  *inventory.UnallocatableError
		re  *shipping.RefusalError
		rre *returns.RefusalError
		mbe *http.MaxBytesError
	)
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &ve):
		first := ve.Problems[0]
		out := &apiError{Status: http.StatusUnprocessableEntity, Code: first.Code, Message: first.Message, Field: first.Field}
		if len(ve.Problems) > 1 {
			out.Details = ve.Problems
		}
		return out
	case errors.As(err, &te):
		return &apiError{Status: http.StatusConflict, Code: "illegal_transition", Message: te.Error(), Field: "status"}
	case errors.As(err, &he):
		return heldError(he)
	case errors.As(err, &cte):
		return &apiError{Status: http.StatusConflict, Code: "duplicate_code", Field: "code",
			Message: fmt.Sprintf("warehouse code %q is already used by warehouse %s (%q) of this shop; choose another code, or change that warehouse with PUT /v1/warehouses/%s",
				cte.Code, cte.Existing.ID, cte.Existing.Name, cte.Existing.ID)}
	case errors.As(err, &xe):
		return &apiError{Status: http.StatusConflict, Code: "action_not_allowed", Message: xe.Error(), Field: "status"}
	case errors.As(err, &re):
		status := http.StatusUnprocessableEntity
		if re.State {
			status = http.StatusConflict
		}
		out := &apiError{Status: status, Code: re.Code, Message: re.Error(), Field: re.Field}
		if errors.As(err, &ue) {
			d := ue.Decision
			out.Decision = &d
		}
		return out
	case errors.As(err, &rre):
		return &apiError{Status: http.StatusConflict, Code: rre.Code, Message: rre.Message, Field: rre.Field}
	case errors.As(err, &ue):
		d := ue.Decision
		return &apiError{Status: http.StatusConflict, Code: d.Reason, Message: ue.Error(), Decision: &d}
	case errors.As(err, &mbe):
		return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large",
			Message: fmt.Sprintf("request body is over %d bytes; split it into smaller requests", mbe.Limit)}
	case errors.Is(err, model.ErrNotFound):
		return &apiError{Status: http.StatusNotFound, Code: "not_found", Message: "no such resource for this API key"}
	case errors.Is(err, model.ErrUnauthorized):
		why := strings.TrimSuffix(err.Error(), ": "+model.ErrUnauthorized.Error())
		return &apiError{Status: http.StatusUnauthorized, Code: "unauthorized", Message: why +
			"; send Authorization: Bearer <API key> (create one with 'lastmile key create')"}
	case errors.Is(err, model.ErrConflict):
		return &apiError{Status: http.StatusConflict, Code: "conflict", Message: "the request conflicts with the current state; fetch it and retry"}
	case errors.Is(err, model.ErrUnavailable):
		return &apiError{Status: http.StatusServiceUnavailable, Code: "unavailable", Message: "the database cannot serve this request just now (unreachable, restarting or overloaded); " +
			"send the same request again after Retry-After seconds: repeating it is safe (orders are matched by shop and external_id, " +
			"and an Idempotency-Key replays a finished request)"}
	}
	return &apiError{Status: http.StatusInternalServerError, Code: "internal",
		Message: "internal error; the server log has the details under request id " + requestID}
}

// retryAfterUnavailable is the Retry-After of a 503, in seconds: long enough for a database
// restart or a connection pool to recover, short enough for an ERP's retry loop.
const retryAfterUnavailable = "5"

// heldError is the 409 of an action refused because the order is held (R-ORD-6): the message
// lists the problem fields and how to release the order; errors[] carries every problem.
func heldError(he *order.HeldError) *apiError {
	fields := make([]string, len(he.Problems))
	details := make([]model.FieldError, len(he.Problems))
	for i, p := range he.Problems {
		fields[i] = p.Field
		msg := p.Message
		if p.Suggestion != "" {
			msg += "; " + p.Suggestion
		}
		details[i] = model.FieldError{Code: p.Code, Field: p.Field, Message: msg}
	}
	return &apiError{Status: http.StatusConflict, Code: "order_held", Field: "needs_attention", Details: details,
		Message: fmt.Sprintf("cannot %s order %s: it is held (needs_attention, R-ORD-6) until %s %s fixed; "+
			"correct the order with PATCH /v1/orders/%s, or send a fixed version of it, then retry",
			he.Action, he.OrderID, strings.Join(fields, ", "), isAre(len(fields)), he.OrderID)}
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// body is the JSON response body of e.
func (e *apiError) body() errorBody { return errorBody{Error: e, Errors: e.Details} }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// decodeError turns an error of readBody, decodeStrict or splitMember into the client's error,
// naming the field by its full path (lines[0].unit_price.amount; prefix goes before it): 400
// malformed_json for a body that is not JSON; 422 for JSON lastmile will not take: a value of
// the wrong type (invalid_type), an unknown field (unknown_field), a time that is not RFC 3339
// (invalid_time), a name twice in one object (duplicate_field), text that is not valid UTF-8 or
// holds a lone surrogate (invalid_encoding) or a NUL (invalid_character).
func decodeError(err error, raw []byte, prefix string) *apiError {
	var (
		ae  *apiError
		txt *textError
		sem *jsonv2.SemanticError
		syn *jsontext.SyntacticError
		mbe *http.MaxBytesError
	)
	switch {
	case errors.As(err, &mbe):
		return toAPIError(err, "")
	case errors.As(err, &ae):
		return ae
	case errors.Is(err, errEmptyBody):
		return &apiError{Status: http.StatusBadRequest, Code: "malformed_json", Message: "the body is empty; send a JSON object"}
	case errors.As(err, &txt):
		field := fieldName(prefix, txt.Pointer)
		return &apiError{Status: http.StatusUnprocessableEntity, Code: txt.Code, Field: field, Message: orWhole(field) + " " + txt.What}
	case errors.As(err, &syn):
		field := fieldName(prefix, syn.JSONPointer)
		if syn.Err == jsontext.ErrDuplicateName {
			return &apiError{Status: http.StatusUnprocessableEntity, Code: "duplicate_field", Field: field, Message: duplicateMessage(field)}
		}
		if what, ok := badTextAt(raw, syn.ByteOffset); ok {
			return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_encoding", Field: field, Message: orWhole(field) + " " + what}
		}
		if errors.Is(syn.Err, io.ErrUnexpectedEOF) {
			return &apiError{Status: http.StatusBadRequest, Code: "malformed_json", Message: "the body ends in the middle of a JSON value"}
		}
		return &apiError{Status: http.StatusBadRequest, Code: "malformed_json",
			Message: fmt.Sprintf("the body is not valid JSON at byte %d: %s", syn.ByteOffset, syntaxReason(syn))}
	case errors.As(err, &sem):
		field := fieldName(prefix, sem.JSONPointer)
		var tpe *time.ParseError
		switch {
		case sem.Err == jsonv2.ErrUnknownName:
			return &apiError{Status: http.StatusUnprocessableEntity, Code: "unknown_field", Field: field,
				Message: fmt.Sprintf("unknown field %q; check the spelling against /v1/openapi.json", sem.JSONPointer.LastToken())}
		case errors.As(sem.Err, &tpe):
			return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_time", Field: field,
				Message: fmt.Sprintf("%q is not an RFC 3339 time; use e.g. 2026-11-20T10:00:00Z", tpe.Value)}
		}
		return &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_type", Field: field,
			Message: fmt.Sprintf("%s must be %s, not %s", orWhole(field), jsonKind(sem.GoType), kindName(sem.JSONKind, sem.JSONValue))}
	case errors.Is(err, errTrailingData):
		return &apiError{Status: http.StatusBadRequest, Code: "malformed_json", Message: "the body has data after the JSON value"}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &apiError{Status: http.StatusBadRequest, Code: "malformed_json", Message: "the body ends in the middle of a JSON value"}
	}
	return &apiError{Status: http.StatusBadRequest, Code: "malformed_json", Message: "the body could not be read as JSON: " + err.Error()}
}

var timeType = reflect.TypeFor[time.Time]()

// syntaxReason is the decoder's description of a syntax error, without the location the
// message already gives.
func syntaxReason(e *jsontext.SyntacticError) string {
	if e.Err == nil {
		return "syntax error"
	}
	return e.Err.Error()
}

func orWhole(field string) string {
	if field == "" {
		return "the body"
	}
	return field
}

// jsonKind names the JSON a Go type takes, for "must be …".
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "another JSON type"
	}
	if t == timeType {
		return "an RFC 3339 time string"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a JSON integer (a whole number in range)"
	case reflect.Float32, reflect.Float64:
		return "a JSON number"
	case reflect.String:
		return "a JSON string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a JSON array"
	case reflect.Struct, reflect.Map:
		return "a JSON object"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "another JSON type"
}
