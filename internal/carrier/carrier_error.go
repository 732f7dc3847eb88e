package carrier

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrUnsupported is wrapped by the error of a call the carrier does not offer (see
// Capabilities). Test it with errors.Is.
var ErrUnsupported = errors.New("not supported by this carrier")

// ErrNotCertified is wrapped by the *Error Certification.Check returns for a carrier that is
// not platform-certified in a market (R-SHIP-3).
var ErrNotCertified = errors.New("carrier not platform-certified in the market")

// Unsupported returns the error of a call carrier code does not offer: it wraps
// ErrUnsupported and names the carrier and the operation.
func Unsupported(code, op string) error {
	return fmt.Errorf("carrier %s: %s: %w", code, op, ErrUnsupported)
}

// Kind says what a caller can do about an *Error.
type Kind uint8

// The kinds of carrier error.
const (
	// Transient: the carrier failed or did not answer (5xx, timeout, connection lost); the
	// call may or may not have happened. Retry with backoff, with the same idempotency key.
	Transient Kind = iota + 1
	// RateLimited: the carrier refused the call for now; retry after Error.RetryAfter.
	RateLimited
	// Refused: the carrier will never accept this request as it is; Error.Field names what to
	// fix (an address it cannot serve, a parcel too heavy). Do not retry unchanged.
	Refused
	// Auth: the carrier refused lastmile's credentials; fix the carrier's configuration.
	Auth
)

var kindNames = [...]string{Transient: "transient", RateLimited: "rate_limited", Refused: "refused", Auth: "auth"}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Error is a carrier call's failure. Adapters return it (wrapped or not) for every failure
// that is not ErrUnsupported or the caller's context; errors.As finds it.
type Error struct {
	Kind Kind
	// Carrier is the carrier's code; Op the call ("rate", "purchase", "void", "track",
	// "manifest", "pickup").
	Carrier, Op string
	// Code is a stable machine-readable code ("postal_code_format", "overweight",
	// "server_error"), the carrier's own where it gives one.
	Code string
	// Field is the request field at fault, as a JSON path ("to.postal_code",
	// "parcel.weight_g"); set for Refused when the carrier says.
	Field string
	// Message says what went wrong and, for Refused, how to fix it.
	Message string
	// RetryAfter is how long to wait before retrying (RateLimited; Transient when the
	// carrier says); zero when it did not say.
	RetryAfter time.Duration
	// Err is the underlying error (a network error), if any.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("carrier ")
	b.WriteString(e.Carrier)
	if e.Op != "" {
		b.WriteString(" ")
		b.WriteString(e.Op)
	}
	b.WriteString(": ")
	b.WriteString(e.Kind.String())
	if e.Code != "" {
		b.WriteString(" (")
		b.WriteString(e.Code)
		b.WriteString(")")
	}
	if e.Field != "" {
		b.WriteString(": ")
		b.WriteString(e.Field)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.Err != nil && (e.Message == "" || !strings.Contains(e.Message, e.Err.Error())) {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error, if any.
func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the Kind of the *Error in err's chain, or 0 when there is none (nil,
// ErrUnsupported, a context error).
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}

// IsTransient reports whether retrying the call later may succeed: err is a Transient or
// RateLimited *Error. A cancelled or expired caller context is not transient: the caller
// stopped, the carrier did not fail (a retry with the same idempotency key is still safe).
func IsTransient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	k := KindOf(err)
	return k == Transient || k == RateLimited
}

// RetryAfter returns how long the carrier asked to wait before a retry, zero when it did not
// say (or err is not a carrier error).
func RetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// Refusal returns a Refused *Error naming the field at fault.
func Refusal(carrier, op, code, field, message string) *Error {
	return &Error{Kind: Refused, Carrier: carrier, Op: op, Code: code, Field: field, Message: message}
}
