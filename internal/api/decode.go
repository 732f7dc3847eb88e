package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

var (
	errEmptyBody    = errors.New("empty body")
	errTrailingData = errors.New("trailing data")
)

// readBody reads the whole (size-limited) request body.
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// decodeStrict decodes one JSON value from raw into v, refusing unknown fields and trailing data.
func decodeStrict(raw []byte, v any) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		return errEmptyBody
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errTrailingData
	}
	return nil
}
