package tiktok

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// The platform's error codes that lastmile acts on (TikTok Shop partner documentation). Every
// other non-zero code refuses the request.
const (
	CodeOK = 0
	// CodeTokenExpired: the access token has expired; refresh it and retry (R-API-2).
	CodeTokenExpired = 105002
	// CodeScopeMissing: the seller did not grant the app the scope this call needs.
	CodeScopeMissing = 105005
	// CodeBadSign: the request's sign is wrong.
	CodeBadSign = 106001
	// CodeCipherMissing: a shop-scoped call without a (valid) shop_cipher.
	CodeCipherMissing = 106013
	// CodeRateLimited: too many requests (HTTP 429); retry later.
	CodeRateLimited = 36009002
	// CodeInternal: the platform failed; retry.
	CodeInternal = 36009003
	// CodeInvalidCredentials: the access token or app key is invalid, or the timestamp is more
	// than 30 s off the platform's clock.
	CodeInvalidCredentials = 36009004
	// CodeIPNotAllowed: the caller's IP address is not on the app's allow-list.
	CodeIPNotAllowed = 36009033
)

// Kind says what a caller can do about an *Error.
type Kind uint8

// The kinds of failure.
const (
	// Retry: the platform failed or did not answer (36009003, HTTP 5xx, a network error); the
	// call may or may not have happened. Retry with backoff.
	Retry Kind = iota + 1
	// RateLimited: the platform refused the call for now (36009002, HTTP 429) without doing it;
	// retry after Error.RetryAfter.
	RateLimited
	// Reauth: the seller's credentials no longer work (105002 expired token: refresh it;
	// 36009004 invalid token, app key or clock: reconnect the shop or fix the clock).
	Reauth
	// Refuse: the platform will not accept this request as it is (106001 bad sign, 105005
	// scope, 36009033 IP, 106013 cipher, a bad parameter, and every other code); do not retry
	// it unchanged.
	Refuse
)

var kindNames = [...]string{Retry: "retry", RateLimited: "rate_limited", Reauth: "reauth", Refuse: "refuse"}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Error is a failed call to the platform. Every error the client returns, except the caller's
// own context errors, is or wraps one; errors.As finds it.
type Error struct {
	Kind Kind
	// Op names the call ("search orders", "ship package").
	Op string
	// Code is the platform's code from the answer's envelope; 0 when there was no envelope (a
	// network error, an HTTP error page) or the client refused the request itself.
	Code int
	// HTTPStatus is the answer's HTTP status; 0 when there was no answer.
	HTTPStatus int
	// Message is the platform's message, or the client's when it refused the request itself.
	Message string
	// Field is the request field at fault when the client refused the request itself
	// ("page_size", "ids").
	Field string
	// RequestID is the platform's request_id: quote it to the platform's support.
	RequestID string
	// RetryAfter is how long the platform asked to wait (Retry-After), zero when it did not say.
	RetryAfter time.Duration
	// Err is the underlying error (a network error), if any.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("tiktok")
	if e.Op != "" {
		b.WriteString(" ")
		b.WriteString(e.Op)
	}
	b.WriteString(": ")
	b.WriteString(e.Kind.String())
	if e.Code != 0 {
		fmt.Fprintf(&b, " (code %d)", e.Code)
	} else if e.HTTPStatus != 0 && (e.HTTPStatus < 200 || e.HTTPStatus > 299) {
		fmt.Fprintf(&b, " (HTTP %d)", e.HTTPStatus)
	}
	if e.Field != "" {
		b.WriteString(": ")
		b.WriteString(e.Field)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" [request_id ")
		b.WriteString(e.RequestID)
		b.WriteString("]")
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.Err != nil && !strings.Contains(e.Message, e.Err.Error()) {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error, if any.
func (e *Error) Unwrap() error { return e.Err }

// ClassifyCode is the Kind of a platform answer with envelope code code (0 when the answer had
// no envelope) and HTTP status status. Known codes decide; an unknown or missing code falls back
// to the status: 429 is RateLimited, 5xx Retry, anything else Refuse.
func ClassifyCode(code, status int) Kind {
	switch code {
	case CodeRateLimited:
		return RateLimited
	case CodeInternal:
		return Retry
	case CodeTokenExpired, CodeInvalidCredentials:
		return Reauth
	case CodeBadSign, CodeScopeMissing, CodeIPNotAllowed, CodeCipherMissing:
		return Refuse
	}
	switch {
	case status == http.StatusTooManyRequests:
		return RateLimited
	case status >= 500 && status <= 599:
		return Retry
	}
	return Refuse
}

// KindOf returns the Kind of the *Error in err's chain, or 0 when there is none (nil, a context
// error).
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}

// IsRetryable reports whether retrying the same call later may succeed: err is a Retry or
// RateLimited *Error. A cancelled caller context is not retryable: the caller stopped.
func IsRetryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	k := KindOf(err)
	return k == Retry || k == RateLimited
}

// IsExpiredToken reports whether the platform refused the call because the access token has
// expired (105002): refresh it and call again.
func IsExpiredToken(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == CodeTokenExpired
}

// RetryAfter returns how long the platform asked to wait before a retry, zero when it did not
// say (or err is not an *Error).
func RetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// refusal is the client's own refusal of a request it will not send.
func refusal(op, field, msg string) *Error {
	return &Error{Kind: Refuse, Op: op, Field: field, Message: msg}
}
