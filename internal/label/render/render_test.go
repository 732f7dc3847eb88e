package render_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"lastmile/internal/label"
	"lastmile/internal/label/labeltest"
	"lastmile/internal/label/render"
)

func TestNegotiate(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		accept string
		want   render.Format
		ok     bool
	}{
		{"", render.PDF, true},
		{"application/pdf", render.PDF, true},
		{"application/zpl", render.ZPL, true},
		{"application/x-zpl", render.ZPL, true},
		{"image/png", render.PNG, true},
		{"*/*", render.PDF, true},
		{"application/*", render.PDF, true},
		{"image/*", render.PNG, true},
		{"text/html, image/png;q=0.9, application/pdf;q=0.5", render.PNG, true},
		{"application/pdf;q=0.2, application/zpl", render.ZPL, true},
		{"application/zpl;q=0", render.PDF, false},
		{"text/html", "", false},
		{"application/json", "", false},
		{"garbage;;;", "", false},
	} {
		got, ok := render.Negotiate(c.accept)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("Accept %q: %q %v, want %q %v", c.accept, got, ok, c.want, c.ok)
		}
	}
}

func TestParseFormat(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]render.Format{"": render.PDF, "pdf": render.PDF, "ZPL": render.ZPL, "png": render.PNG} {
		if got, err := render.ParseFormat(s); err != nil || got != want {
			t.Errorf("%q: %q %v", s, got, err)
		}
	}
	if _, err := render.ParseFormat("svg"); err == nil {
		t.Error("svg accepted")
	}
	for f, ct := range map[render.Format]string{render.PDF: "application/pdf", render.ZPL: "application/zpl", render.PNG: "image/png"} {
		if f.ContentType() != ct {
			t.Errorf("%s: %s", f, f.ContentType())
		}
	}
}

func prepared(t *testing.T, n int) []*label.Prepared {
	t.Helper()
	var ls []label.Label
	for i := range n {
		l := labeltest.For(labeltest.Markets()[i%len(labeltest.Markets())].To)
		ls = append(ls, l)
	}
	ps, err := label.PrepareAll(ls, label.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func TestWrite(t *testing.T) {
	t.Parallel()
	ps := prepared(t, 5)
	ctx := context.Background()
	for _, c := range []struct {
		f     render.Format
		n     int
		magic string
		count string
	}{
		{render.ZPL, 5, "^XA", "^XZ"},
		{render.PDF, 5, "%PDF-", "/Type /Page\n"},
		{render.PNG, 1, "\x89PNG", "IEND"},
	} {
		var a, b bytes.Buffer
		if err := render.Write(ctx, &a, ps[:c.n], c.f); err != nil {
			t.Fatalf("%s: %v", c.f, err)
		}
		if err := render.Write(ctx, &b, ps[:c.n], c.f); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(a.String(), c.magic) || strings.Count(a.String(), c.count) != c.n {
			t.Errorf("%s: not %d labels", c.f, c.n)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) { // R-LBL-6
			t.Errorf("%s: two renderings differ", c.f)
		}
	}
	if err := render.Write(ctx, &bytes.Buffer{}, ps[:2], render.PNG); !errors.Is(err, render.ErrPNGBatch) {
		t.Errorf("two labels as PNG: %v", err)
	}
	if err := render.Write(ctx, &bytes.Buffer{}, nil, render.PDF); err == nil {
		t.Error("no labels rendered")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for _, f := range []render.Format{render.ZPL, render.PDF} {
		if err := render.Write(cancelled, &bytes.Buffer{}, ps, f); !errors.Is(err, context.Canceled) {
			t.Errorf("%s after cancel: %v", f, err)
		}
	}
}
