package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"unicode"

	"lastmile/internal/store"
)

const maxIdempotencyKeyLen = 255

// idempotent makes a POST with an Idempotency-Key header safe to retry: the first request with a
// key runs and its response (below 500) is stored; a retry with the same key and body gets the
// stored response again, marked Idempotent-Replayed; the same key with another body is refused;
// a retry while the first is still running gets 409. Keys are per API key.
func (s *Server) idempotent(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("Idempotency-Key")
		if r.Method != http.MethodPost || key == "" {
			next.ServeHTTP(w, r)
			return
		}
		if len(key) > maxIdempotencyKeyLen || !printableASCII(key) {
			s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_idempotency_key", Field: "Idempotency-Key",
				Message: fmt.Sprintf("Idempotency-Key must be 1 to %d printable ASCII characters, e.g. a UUID", maxIdempotencyKeyLen)})
			return
		}
		body, err := readBody(r)
		if err != nil {
			s.fail(w, r, decodeError(err, nil, ""))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.New()
		fmt.Fprintf(sum, "%s %s\n", r.Method, r.URL.RequestURI())
		sum.Write(body)
		hash := hex.EncodeToString(sum.Sum(nil))

		sc := scopeOf(r.Context())
		now := s.deps.Now().UTC()
		rec, err := s.deps.Store.ClaimIdempotencyKey(r.Context(), store.IdempotencyClaim{
			KeyID: sc.KeyID, Key: key, RequestHash: hash, Now: now,
			LeaseUntil: now.Add(s.deps.Config.IdempotencyLease), ExpiredBefore: now.Add(-s.deps.Config.IdempotencyTTL),
		})
		switch {
		case err != nil:
			s.fail(w, r, err)
			return
		case rec != nil && rec.RequestHash != hash:
			s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: "idempotency_key_reused", Field: "Idempotency-Key",
				Message: "this Idempotency-Key was already used for a different request; send a new key for a new request"})
			return
		case rec != nil && !rec.Done:
			w.Header().Set("Retry-After", "1")
			s.fail(w, r, &apiError{Status: http.StatusConflict, Code: "request_in_progress", Field: "Idempotency-Key",
				Message: "a request with this Idempotency-Key is still running; retry shortly to get its response"})
			return
		case rec != nil:
			w.Header().Set("Content-Type", rec.Response.ContentType)
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(rec.Response.Status)
			w.Write(rec.Response.Body)
			return
		}

		cw := &capture{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(cw, r)
		// A server error is not an answer worth replaying: free the key so a retry runs again.
		if cw.status >= 500 {
			err = s.deps.Store.ReleaseIdempotencyKey(r.Context(), sc.KeyID, key)
		} else {
			err = s.deps.Store.CompleteIdempotencyKey(r.Context(), sc.KeyID, key, store.IdempotentResponse{
				Status: cw.status, ContentType: w.Header().Get("Content-Type"), Body: cw.body.Bytes()})
		}
		if err != nil {
			// The response is already sent; the lease will expire and let a retry run again.
			s.deps.Log.Error("store idempotency record", "request_id", requestID(r.Context()), "err", err)
		}
	})
}

// capture passes a response through while keeping a copy of its status and body.
type capture struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (c *capture) WriteHeader(code int) {
	c.status = code
	c.ResponseWriter.WriteHeader(code)
}

func (c *capture) Write(b []byte) (int, error) {
	c.body.Write(b)
	return c.ResponseWriter.Write(b)
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] > unicode.MaxASCII || s[i] < 0x21 {
			return false
		}
	}
	return true
}
