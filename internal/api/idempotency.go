package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"

	"lastmile/internal/store"
)

const maxIdempotencyKeyLen = 255

// defaultMaxReplayBytes is the largest response kept for replay unless Deps.MaxReplayBytes says
// otherwise: every JSON answer, and the results of imports of tens of thousands of rows, fit.
const defaultMaxReplayBytes = 1 << 20

// idempotent makes a POST with an Idempotency-Key header safe to retry: the first request with a
// key runs and its response (below 500) is stored; a retry with the same key and body gets the
// stored response again, marked Idempotent-Replayed; the same key with another body is refused;
// a retry while the first is still running gets 409. Keys are per API key.
//
// Both what a key holds in memory and what it keeps in the database are bounded:
//
//   - The body is spooled (body_spool.go) and hashed as it is read: at most Deps.SpoolMemory of
//     it is in memory, the rest waits in a temporary file, and the handler reads the spool, so a
//     keyed import streams its results like any other. The hash is known before the key is
//     claimed, so a retry with another body is refused before anything runs. (Claiming first and
//     checking the hash at the end would let the second body run before it is refused.)
//   - The response goes to the client as it is written and is kept up to Deps.MaxReplayBytes
//     (1 MiB). A larger one is recorded by its status, type and size only. A retry of a route
//     that changes data then gets 409 idempotency_response_not_kept, saying the request was done
//     and how to get its result; a retry of a stateless route (rates, labels, checks) runs again,
//     which returns the same answer and changes nothing.
//   - A server error (5xx), or a handler that asks (dontReplay: an import that stopped early, a
//     batch the database failed in part), frees the key so that a retry runs again.
func (s *Server) idempotent(next http.Handler, stateless bool) http.Handler {
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
		sum := sha256.New()
		fmt.Fprintf(sum, "%s %s\n", r.Method, r.URL.RequestURI())
		body, err := spool(r.Body, sum, s.deps.SpoolDir, s.spoolMemory())
		if err != nil {
			s.fail(w, r, bodyError(err, func(mbe *http.MaxBytesError) *apiError { return toAPIError(mbe, "") }))
			return
		}
		defer body.discard()
		s.metrics.countSpool(body)
		r.Body = body.reader()
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
		case rec != nil && !rec.Response.Kept() && stateless:
			next.ServeHTTP(w, r) // the same answer again, nothing changed; the record stays as it is
			return
		case rec != nil && !rec.Response.Kept():
			s.fail(w, r, &apiError{Status: http.StatusConflict, Code: "idempotency_response_not_kept", Field: "Idempotency-Key",
				Message: fmt.Sprintf("the request with this Idempotency-Key was done at %s and answered %d, but its response (%d bytes) "+
					"was larger than the %d bytes kept for replay, so it cannot be sent again; "+
					"fetch what it made (e.g. GET /v1/orders?updated_since=%s), or send it again with a new key: "+
					"an import of the same file changes nothing the second time and reports every row",
					rec.CreatedAt.Format(time.RFC3339), rec.Response.Status, rec.Response.Size, s.maxReplayBytes(),
					rec.CreatedAt.Format(time.RFC3339))})
			return
		case rec != nil:
			replay(w, rec.Response)
			return
		}

		ctl := &replayControl{}
		cw := &capture{ResponseWriter: w, status: http.StatusOK, max: s.maxReplayBytes()}
		next.ServeHTTP(cw, r.WithContext(context.WithValue(r.Context(), replayKey{}, ctl)))
		// The claim is settled even when the client has gone: the request ran, and its retry
		// should get its answer rather than wait for the lease to end.
		ctx := context.WithoutCancel(r.Context())
		if cw.status >= 500 || ctl.skip {
			err = s.deps.Store.ReleaseIdempotencyKey(ctx, sc.KeyID, key)
		} else {
			resp := store.IdempotentResponse{Status: cw.status, ContentType: w.Header().Get("Content-Type"), Size: cw.size}
			resp.Header, resp.Trailer = ownHeaders(w.Header())
			if cw.size <= cw.max {
				resp.Body = cw.body.Bytes()
			}
			err = s.deps.Store.CompleteIdempotencyKey(ctx, sc.KeyID, key, resp)
		}
		if err != nil {
			// The response is already sent, and reported the request's own outcome; only its
			// replay is lost. The lease will expire and let a retry run again.
			s.deps.Log.Error("store idempotency record", "request_id", requestID(r.Context()), "err", err)
		}
	})
}

// replay sends a stored response again, with lastmile's own headers and trailers.
func replay(w http.ResponseWriter, resp store.IdempotentResponse) {
	h := w.Header()
	h.Set("Content-Type", resp.ContentType)
	h.Set("Idempotent-Replayed", "true")
	for k, v := range resp.Header {
		h.Set(k, v)
	}
	names := slices.Sorted(maps.Keys(resp.Trailer))
	if len(names) > 0 {
		h.Set("Trailer", strings.Join(names, ", "))
	}
	w.WriteHeader(resp.Status)
	w.Write(resp.Body)
	for k, v := range resp.Trailer {
		h.Set(k, v)
	}
}

// ownHeaders picks the response's Lastmile-* headers and trailers (set after the body, named in
// Trailer), which say what the request did (Lastmile-Outcome, Lastmile-Import-Summary): a
// replay must say it too.
func ownHeaders(h http.Header) (header, trailer map[string]string) {
	trailers := map[string]bool{}
	for _, v := range h.Values("Trailer") {
		for name := range strings.SplitSeq(v, ",") {
			trailers[http.CanonicalHeaderKey(strings.TrimSpace(name))] = true
		}
	}
	for k, v := range h {
		if !strings.HasPrefix(k, "Lastmile-") || len(v) == 0 {
			continue
		}
		m := &header
		if trailers[k] {
			m = &trailer
		}
		if *m == nil {
			*m = map[string]string{}
		}
		(*m)[k] = v[0]
	}
	return header, trailer
}

func (s *Server) maxReplayBytes() int64 {
	if s.deps.MaxReplayBytes > 0 {
		return s.deps.MaxReplayBytes
	}
	return defaultMaxReplayBytes
}

// replayControl lets a handler tell the Idempotency-Key layer not to keep its response.
type replayControl struct{ skip bool }

type replayKey struct{}

// dontReplay frees the request's Idempotency-Key instead of keeping its response, so that a
// retry with the key runs again: the response reported a failure a retry should not meet again
// (an import that stopped early). Without a key it does nothing.
func dontReplay(r *http.Request) {
	if c, ok := r.Context().Value(replayKey{}).(*replayControl); ok {
		c.skip = true
	}
}

// capture passes a response through while keeping a copy of its status and of its body up to
// max bytes; size counts every byte.
type capture struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
	size   int64
	max    int64
}

func (c *capture) WriteHeader(code int) {
	c.status = code
	c.ResponseWriter.WriteHeader(code)
}

func (c *capture) Write(b []byte) (int, error) {
	c.size += int64(len(b))
	if c.size <= c.max {
		c.body.Write(b)
	} else {
		c.body = bytes.Buffer{} // not kept: free what was
	}
	return c.ResponseWriter.Write(b)
}

func (c *capture) Unwrap() http.ResponseWriter { return c.ResponseWriter }

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] > unicode.MaxASCII || s[i] < 0x21 {
			return false
		}
	}
	return true
}
