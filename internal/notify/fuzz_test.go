package notify

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"lastmile/internal/model"
)

// FuzzSubscriptionRequest: whatever a client sends, the check names each problem by a field of
// the request, and a request it takes has an absolute http(s) URL, known event types and a
// usable secret.
func FuzzSubscriptionRequest(f *testing.F) {
	f.Add("https://erp.example.com/hooks", "order.created,stock.low", "")
	f.Add("http://127.0.0.1:9/h#x", "*", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	f.Add("ftp://x", "order.shipped", "whsec_AAAA")
	f.Add("", "", "s3cret")
	f.Fuzz(func(t *testing.T, u, events, secret string) {
		req := SubscriptionRequest{URL: u, Secret: secret}
		if events != "" {
			req.Events = strings.Split(events, ",")
		}
		problems := checkSubscription(req)
		for _, p := range problems {
			ok := p.Field == "url" || p.Field == "events" || p.Field == "secret" || strings.HasPrefix(p.Field, "events[")
			if !ok || p.Message == "" || p.Code == "" {
				t.Fatalf("problem %+v does not name a field of the request", p)
			}
		}
		if len(problems) > 0 {
			return
		}
		pu, err := url.Parse(u)
		if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
			t.Fatalf("took url %q", u)
		}
		for _, e := range req.Events {
			if e != model.EventAll && !slices.Contains(model.EventTypes, e) {
				t.Fatalf("took event %q", e)
			}
		}
		if secret != "" {
			if _, err := Sign(secret, "msg", 1, nil); err != nil {
				t.Fatalf("took secret %q that cannot sign: %v", secret, err)
			}
		}
	})
}

// FuzzTemplate: a shop's template text is refused or renders; it never panics, and text without
// an action renders as itself.
func FuzzTemplate(f *testing.F) {
	f.Add("Hi {{.BuyerName}}, {{.TrackingNumber}}")
	f.Add("{{range .}}{{end}}")
	f.Add("{{.Nope}}")
	f.Add("{{template \"x\"}}")
	f.Add("plain text, 中文, ภาษาไทย")
	f.Add("{{range 1000000000}}{{end}}")
	f.Add("{{if .Reason}}{{.Reason}}{{else}}none{{end}}")
	f.Add("{{printf \"%099999999d\" 1}}")
	f.Fuzz(func(t *testing.T, text string) {
		out, err := render("body", text, sampleData)
		// Only fields may be rendered, each at most as long as the longest sample field: the
		// output cannot grow beyond that for every byte of the template.
		if err == nil && len(out) > len(text)*(1+len(sampleData.ReturnID)) {
			t.Fatalf("%q rendered %d bytes", text, len(out))
		}
		if err == nil && !strings.Contains(text, "{{") && out != text {
			t.Fatalf("%q rendered as %q", text, out)
		}
	})
}

// Templates may not loop or call functions.
func TestTemplateSafety(t *testing.T) {
	for _, bad := range []string{"{{range 1000000000}}x{{end}}", `{{printf "%099999999d" 1}}`, "{{with .Reason}}{{.}}{{end}}",
		`{{define "x"}}{{end}}`, "{{$x := .Reason}}", "{{.Reason | html}}", "{{len .Reason}}"} {
		if _, err := render("body", bad, sampleData); err == nil {
			t.Errorf("%q was allowed", bad)
		}
	}
	out, err := render("body", "{{if .Reason}}because {{.Reason}}{{else}}no reason{{end}}", sampleData)
	if err != nil || out != "because weather at the carrier's hub" {
		t.Errorf("if on a field: %q %v", out, err)
	}
	for kind, byLang := range defaultTemplates {
		for lang, w := range byLang {
			if _, _, err := renderWording(w, sampleData); err != nil {
				t.Errorf("default %s/%s: %v", kind, lang, err)
			}
		}
	}
}
