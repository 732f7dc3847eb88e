package sim

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"lastmile/internal/carrier"
)

// maxBody bounds a request body; a label request is a few kilobytes.
const maxBody = 1 << 20

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, field, msg string) {
	writeErrorBody(w, status, wireErrorBody{Code: code, Field: field, Message: msg})
}

func writeErrorBody(w http.ResponseWriter, status int, body wireErrorBody) {
	writeJSON(w, status, wireError{Error: body})
}

// writeFailure answers err: a Refused *carrier.Error is 422 naming its field, a conflict 409,
// anything else 500.
func writeFailure(w http.ResponseWriter, err error) {
	var ce *carrier.Error
	switch {
	case errors.As(err, &ce) && ce.Kind == carrier.Refused:
		status := http.StatusUnprocessableEntity
		if ce.Code == "idempotency_key_reused" {
			status = http.StatusConflict
		}
		writeError(w, status, ce.Code, ce.Field, ce.Message)
	default:
		writeError(w, http.StatusInternalServerError, "internal", "", err.Error())
	}
}

// decodeBody reads one JSON object into v, refusing unknown fields and wrong types with a 400
// that names the field. It reports whether v was read.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		field, msg := jsonProblem(err)
		writeError(w, http.StatusBadRequest, "bad_request", field, msg)
		return false
	}
	if dec.More() {
		writeError(w, http.StatusBadRequest, "bad_request", "", "the body must be one JSON object")
		return false
	}
	return true
}

// jsonProblem names the field and the problem of a decoding error.
func jsonProblem(err error) (field, msg string) {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	var me *http.MaxBytesError
	switch {
	case errors.As(err, &te):
		return te.Field, fmt.Sprintf("%s: want %s, got %s", te.Field, te.Type, te.Value)
	case errors.As(err, &se):
		return "", fmt.Sprintf("malformed JSON at byte %d: %v", se.Offset, err)
	case errors.As(err, &me):
		return "", fmt.Sprintf("the body is larger than %d bytes", me.Limit)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return name, fmt.Sprintf("unknown field %q; see docs/carriers.md for the request", name)
	}
	return "", "malformed JSON: " + err.Error()
}

// idempotencyKey reads the Idempotency-Key header; a missing or overlong key is answered 400.
func idempotencyKey(w http.ResponseWriter, r *http.Request, required bool) (string, bool) {
	key := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
	switch {
	case key == "" && required:
		writeError(w, http.StatusBadRequest, "idempotency_key_missing", "Idempotency-Key",
			"send an Idempotency-Key header, the same on every retry of this request, so a retry never buys twice")
		return "", false
	case len(key) > 255:
		writeError(w, http.StatusBadRequest, "idempotency_key_too_long", "Idempotency-Key", "an Idempotency-Key has at most 255 characters")
		return "", false
	}
	return key, true
}

// digest identifies a request's content, to tell a retry from another request with the same
// key: the first 16 bytes of the SHA-256 of its JSON, written as hex.
type digest [16]byte

// fingerprint is the digest of v.
func fingerprint(v any) digest {
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return digest(sum[:16])
}

func (d digest) String() string { return hex.EncodeToString(d[:]) }

// MarshalText writes the digest as hex.
func (d digest) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads a hex digest.
func (d *digest) UnmarshalText(b []byte) error {
	if hex.DecodedLen(len(b)) != len(d) {
		return fmt.Errorf("fingerprint %q: want %d hex digits", b, 2*len(d))
	}
	_, err := hex.Decode(d[:], b)
	return err
}

func keyReused(code, op string) error {
	return carrier.Refusal(code, op, "idempotency_key_reused", "Idempotency-Key",
		"this Idempotency-Key was used for a different request; use a new key for a new request, the same key only to retry the same one")
}
