package api

import (
	"bytes"
	"encoding/json"
	"image/png"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"lastmile/internal/config"
	"lastmile/internal/label/labeltest"
)

// labelServer is a Server as newEnv builds one. Rendering reads and writes no stored data,
// so it needs no store, and the handler is called directly: the route is registered in
// server.go.
func labelServer(t *testing.T) *Server {
	t.Helper()
	srv, err := New(Deps{Config: config.Config{}.WithDefaults(), Log: slog.New(slog.DiscardHandler),
		Now: func() time.Time { return time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC) }, Registry: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

func postLabels(t *testing.T, s *Server, query, accept, body string) response {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/v1/labels:render"+query, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	rec := httptest.NewRecorder()
	s.renderLabels(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

func TestRenderLabels(t *testing.T) {
	t.Parallel()
	s := labelServer(t)
	ex := labeltest.ExampleJSON
	for _, c := range []struct {
		query, accept, body string
		ctype, magic        string
	}{
		{"", "", ex, "application/pdf", "%PDF-"},
		{"?dpi=300", "application/pdf", ex, "application/pdf", "%PDF-"},
		{"?dpi=300&size=a6", "application/zpl", ex, "application/zpl", "^XA\n^CI28\n^PW1240\n^LL1748\n"},
		{"?size=10x15", "text/html, application/zpl;q=0.8", ex, "application/zpl", "^XA\n^CI28\n^PW799\n"},
		{"", "image/png", ex, "image/png", "\x89PNG"},
		{"", "*/*", "[" + ex + "," + ex + "]", "application/pdf", "%PDF-"},
	} {
		r := postLabels(t, s, c.query, c.accept, c.body)
		if r.status != http.StatusOK || r.header.Get("Content-Type") != c.ctype || !bytes.HasPrefix(r.body, []byte(c.magic)) {
			t.Errorf("%s %q: %d %s %.40q", c.query, c.accept, r.status, r.header.Get("Content-Type"), r.body)
			continue
		}
		// R-LBL-6: a reprint is the same bytes.
		if again := postLabels(t, s, c.query, c.accept, c.body); !bytes.Equal(again.body, r.body) {
			t.Errorf("%s %q: two requests differ", c.query, c.accept)
		}
	}
	r := postLabels(t, s, "", "image/png", ex)
	if img, err := png.Decode(bytes.NewReader(r.body)); err != nil || img.Bounds().Dx() != 812 || img.Bounds().Dy() != 1218 {
		t.Errorf("PNG: %v", err)
	}
	if cd := r.header.Get("Content-Disposition"); cd != `inline; filename="label-1Z999AA10123456784.png"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	r = postLabels(t, s, "", "application/zpl", "["+ex+","+ex+","+ex+"]")
	if strings.Count(string(r.body), "^XZ") != 3 || r.header.Get("Content-Disposition") != `inline; filename="labels.zpl"` {
		t.Errorf("ZPL batch: %d formats, %q", strings.Count(string(r.body), "^XZ"), r.header.Get("Content-Disposition"))
	}
}

func TestRenderLabelsErrors(t *testing.T) {
	t.Parallel()
	s := labelServer(t)
	ex := labeltest.ExampleJSON
	nonLatin := strings.Replace(ex, `"city":"Mountain View"`, `"city":"山景城"`, 1)
	gbNoQR := strings.Replace(strings.Replace(ex, `"postal_code":"94043","country":"US"`, `"postal_code":"SW1A 2AA","country":"GB"`, 1),
		`"city":"Mountain View","region":"CA"`, `"city":"London","region":""`, 1)
	for _, c := range []struct {
		name, query, accept, body string
		status                    int
		code, field               string
	}{
		{"format", "", "text/html", ex, 406, "not_acceptable", "Accept"},
		{"dpi", "?dpi=150", "", ex, 422, "dpi_unsupported", "dpi"},
		{"size", "?size=a4", "", ex, 422, "size_unknown", "size"},
		{"not JSON", "", "", "{", 400, "malformed_json", ""},
		{"empty", "", "", "", 400, "malformed_json", ""},
		{"unknown field", "", "", `{"weightg":1}`, 422, "unknown_field", "weightg"},
		{"wrong type", "", "", `{"weight_g":"450"}`, 422, "invalid_type", "weight_g"},
		{"wrong type in a batch", "", "", "[" + ex + `,{"to":{"postal_code":94043}}]`, 422, "invalid_type", "[1].to.postal_code"},
		{"not an object in a batch", "", "", "[" + ex + ",42]", 422, "invalid_type", "[1]"},
		{"non-Latin", "", "", nonLatin, 422, "non_latin_script", "to.city"},
		{"non-Latin in a batch", "", "application/zpl", "[" + ex + "," + ex + "," + nonLatin + "]", 422, "non_latin_script", "[2].to.city"},
		{"no anti-counterfeit QR", "", "", gbNoQR, 422, "missing_field", "anti_counterfeit_qr"},
		{"PNG batch", "", "image/png", "[" + ex + "," + ex + "]", 422, "batch_not_supported", ""},
		{"no labels", "", "", "[]", 422, "no_labels", ""},
		{"too many", "", "", "[" + strings.Repeat("{},", maxLabelsPerRequest) + "{}]", 422, "batch_too_large", ""},
	} {
		r := postLabels(t, s, c.query, c.accept, c.body)
		if r.status != c.status || r.header.Get("Content-Type") != "application/json" {
			t.Errorf("%s: %d %s %s, want %d", c.name, r.status, r.header.Get("Content-Type"), r.body, c.status)
			continue
		}
		code, field := r.apiErr(t)
		if code != c.code || field != c.field {
			t.Errorf("%s: %s on %q, want %s on %q", c.name, code, field, c.code, c.field)
		}
	}
}

// TestRenderLabelsAllProblems: every problem of the refused label is listed, not only the first.
func TestRenderLabelsAllProblems(t *testing.T) {
	t.Parallel()
	body := strings.Replace(strings.Replace(labeltest.ExampleJSON, `"city":"Mountain View"`, `"city":"山景城"`, 1), `"weight_g":450`, `"weight_g":-1`, 1)
	r := postLabels(t, labelServer(t), "", "", "["+body+"]")
	var b struct {
		Errors []struct{ Code, Field string }
	}
	if err := json.Unmarshal(r.body, &b); err != nil || len(b.Errors) != 2 || b.Errors[0].Field != "[0].weight_g" && b.Errors[1].Field != "[0].weight_g" {
		t.Errorf("%d %s", r.status, r.body)
	}
}

// TestRenderLabelsEveryBadLabel: a batch is refused with the problems of every label that
// cannot be rendered, each field under its label's index, not only the first bad label's.
func TestRenderLabelsEveryBadLabel(t *testing.T) {
	t.Parallel()
	ex := labeltest.ExampleJSON
	badCity := strings.Replace(ex, `"city":"Mountain View"`, `"city":"山景城"`, 1)
	badWeight := strings.Replace(ex, `"weight_g":450`, `"weight_g":-1`, 1)
	r := postLabels(t, labelServer(t), "", "", "["+badCity+","+ex+","+ex+","+badWeight+"]")
	var b struct {
		Error  struct{ Code, Field, Message string }
		Errors []struct{ Code, Field string }
	}
	if err := json.Unmarshal(r.body, &b); err != nil || r.status != http.StatusUnprocessableEntity {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var fields []string
	for _, e := range b.Errors {
		fields = append(fields, e.Field)
	}
	if strings.Join(fields, " ") != "[0].to.city [3].weight_g" || b.Error.Field != "[0].to.city" || !strings.Contains(b.Error.Message, "2 of 4 labels") {
		t.Fatalf("fields %v, error %+v; want [0].to.city and [3].weight_g, the message counting 2 of 4 labels", fields, b.Error)
	}
}
