package tiktok

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"
)

var decodeNow = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func TestDecodeResponse(t *testing.T) {
	t.Parallel()
	var out struct {
		Shops []AuthorizedShop `json:"shops"`
	}
	id, err := DecodeResponse(200, "", []byte(`{"code":0,"message":"Success","data":{"shops":[{"id":"1","cipher":"ROW_x"}]},"request_id":"2026X"}`), decodeNow, &out)
	if err != nil || id != "2026X" || len(out.Shops) != 1 || out.Shops[0].Cipher != "ROW_x" {
		t.Fatalf("success: %q %v %+v", id, err, out)
	}
	cases := []struct {
		name       string
		status     int
		retryAfter string
		body       string
		kind       Kind
		code       int
		wait       time.Duration
	}{
		{"expired token", 200, "", `{"code":105002,"message":"expired","request_id":"r1"}`, Reauth, 105002, 0},
		{"invalid credentials", 401, "", `{"code":36009004,"message":"invalid","request_id":"r1"}`, Reauth, 36009004, 0},
		{"bad sign", 200, "", `{"code":106001,"message":"sign","request_id":"r1"}`, Refuse, 106001, 0},
		{"scope", 200, "", `{"code":105005,"message":"scope","request_id":"r1"}`, Refuse, 105005, 0},
		{"ip", 200, "", `{"code":36009033,"message":"ip","request_id":"r1"}`, Refuse, 36009033, 0},
		{"cipher", 200, "", `{"code":106013,"message":"cipher","request_id":"r1"}`, Refuse, 106013, 0},
		{"rate limited", 429, "3", `{"code":36009002,"message":"slow","request_id":"r1"}`, RateLimited, 36009002, 3 * time.Second},
		{"rate limited, date", 429, decodeNow.Add(90 * time.Second).Format(http.TimeFormat), `{"code":36009002,"request_id":"r1"}`, RateLimited, 36009002, 90 * time.Second},
		{"internal", 500, "", `{"code":36009003,"message":"oops","request_id":"r1"}`, Retry, 36009003, 0},
		{"unknown code", 200, "", `{"code":12345,"message":"?","request_id":"r1"}`, Refuse, 12345, 0},
		{"unknown code at 503", 503, "", `{"code":12345,"message":"?","request_id":"r1"}`, Retry, 12345, 0},
		{"code 0 at 500", 500, "", `{"code":0,"message":"?","request_id":"r1"}`, Retry, 0, 0},
		{"html 502", 502, "", `<html>bad gateway</html>`, Retry, 0, 0},
		{"empty 429", 429, "5", ``, RateLimited, 0, 5 * time.Second},
		{"html 404", 404, "", `<html>no</html>`, Refuse, 0, 0},
		{"garbage 200", 200, "", `{"cod`, Retry, 0, 0},
		{"no code 200", 200, "", `{"data":{}}`, Retry, 0, 0},
		{"data of the wrong shape", 200, "", `{"code":0,"data":{"shops":"many"},"request_id":"r1"}`, Refuse, 0, 0},
		{"negative retry-after", 429, "-4", ``, RateLimited, 0, 0},
		{"huge retry-after", 429, "99999999999999999", ``, RateLimited, 0, 24 * time.Hour},
	}
	for _, c := range cases {
		out.Shops = nil
		_, err := DecodeResponse(c.status, c.retryAfter, []byte(c.body), decodeNow, &out)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: error %v", c.name, err)
			continue
		}
		if e.Kind != c.kind || e.Code != c.code || e.RetryAfter != c.wait || e.HTTPStatus != c.status || e.Message == "" {
			t.Errorf("%s: %+v", c.name, e)
		}
		if c.code != 0 && e.RequestID != "r1" {
			t.Errorf("%s: request id %q not kept", c.name, e.RequestID)
		}
	}
}

// FuzzDecodeResponse: DecodeResponse reads every answer of the platform. Property: it never
// panics; it succeeds only for a 2xx answer whose envelope says code 0; every failure is an
// *Error whose kind follows from the code and the status (ClassifyCode), with a message, the
// envelope's request_id, and a wait from 0 to 24 h.
func FuzzDecodeResponse(f *testing.F) {
	f.Add(uint16(200), "", []byte(`{"code":0,"message":"Success","data":{"orders":[{"id":"1","status":"UNPAID"}],"next_page_token":"x","total_count":1},"request_id":"r"}`))
	f.Add(uint16(429), "2", []byte(`{"code":36009002,"message":"slow","request_id":"r"}`))
	f.Add(uint16(200), "", []byte(`{"code":105002,"message":"expired","request_id":"r"}`))
	f.Add(uint16(500), "Wed, 21 Oct 2015 07:28:00 GMT", []byte(`<html>`))
	f.Add(uint16(200), "", []byte(`{"code":0,"data":{"orders":{}}}`))
	f.Add(uint16(200), "", []byte(`{"code":1e400}`))
	f.Add(uint16(302), "", []byte(`{}`))
	f.Fuzz(func(t *testing.T, status uint16, retryAfter string, body []byte) {
		var out OrderPage
		id, err := DecodeResponse(int(status), retryAfter, body, decodeNow, &out)
		var env envelope
		envOK := json.Unmarshal(body, &env) == nil && env.Code != nil
		if err == nil {
			if !envOK || *env.Code != 0 || status < 200 || status > 299 || id != env.RequestID {
				t.Fatalf("accepted status %d body %q", status, body)
			}
			return
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("untyped error %v", err)
		}
		if e.Message == "" || e.RetryAfter < 0 || e.RetryAfter > 24*time.Hour || e.HTTPStatus != int(status) {
			t.Fatalf("incomplete error %+v", e)
		}
		switch {
		case envOK && e.Code != *env.Code:
			t.Fatalf("code %d, envelope %d", e.Code, *env.Code)
		case envOK && e.RequestID != env.RequestID:
			t.Fatalf("request id %q, envelope %q", e.RequestID, env.RequestID)
		case envOK && (*env.Code != 0 || status < 200 || status > 299) && e.Kind != ClassifyCode(*env.Code, int(status)):
			t.Fatalf("kind %s for code %d status %d", e.Kind, *env.Code, status)
		case !envOK && status >= 200 && status <= 399 && e.Kind != Retry:
			t.Fatalf("kind %s for an answer without envelope at %d", e.Kind, status)
		case !envOK && (status < 200 || status > 399) && e.Kind != ClassifyCode(0, int(status)):
			t.Fatalf("kind %s for an answer without envelope at %d", e.Kind, status)
		}
	})
}
