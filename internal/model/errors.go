package model

import (
	"errors"
	"strings"
)

// Sentinel errors. Drivers translate their own errors into these at the boundary; the API maps
// them to HTTP status codes.
var (
	ErrNotFound     = errors.New("not found")
	ErrConflict     = errors.New("conflict")
	ErrInvalid      = errors.New("invalid")
	ErrUnauthorized = errors.New("unauthorized")
	// ErrUnavailable is a store that cannot answer now (the database is down, unreachable,
	// closed or out of room): the request may succeed if tried again later.
	ErrUnavailable = errors.New("unavailable")
)

// FieldError is one problem with one input field: a stable code, the field's JSON path, a message
// saying what is wrong and how to fix it.
type FieldError struct {
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// ValidationError carries every problem found in one input. It unwraps to ErrInvalid.
type ValidationError struct {
	Problems []FieldError
}

func (e *ValidationError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Field + ": " + p.Message
	}
	return "invalid: " + strings.Join(msgs, "; ")
}

func (e *ValidationError) Unwrap() error { return ErrInvalid }
