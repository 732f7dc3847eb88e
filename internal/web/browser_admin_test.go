package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserOwnerManagesKeysAndRoles drives chromium through the owner's settings: make an
// API key (its secret shown once), see it listed as never used, revoke it from its row, and
// remove a person's role; on both stores. With LASTMILE_SCREENSHOTS=DIR it saves the keys page.
func TestBrowserOwnerManagesKeysAndRoles(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, db string) {
		c := newConsole(t, db)
		ctx := newBrowser(t)
		bg := context.Background()
		do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
			t.Helper()
			if err := chromedp.Do(ctx, steps...); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
		text := func(sel string) string {
			t.Helper()
			s, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
			if err != nil {
				t.Fatalf("text of %s: %v", sel, err)
			}
			return s
		}
		do("log in",
			chromedp.Navigate(c.url+"/login?lang=en"),
			chromedp.WaitVisible(css("#email")),
			chromedp.SendKeys(css("#email"), ownerEmail),
			chromedp.SendKeys(css("#password"), password),
			chromedp.Click(css("#login-submit")),
			chromedp.WaitVisible(css("#h-held")),
		)
		do("make a key",
			chromedp.Navigate(c.url+"/settings/keys"),
			chromedp.WaitVisible(css("#key-name")),
			chromedp.SendKeys(css("#key-name"), "Packing bench ERP"),
			chromedp.Click(css("#key-new-submit")),
			chromedp.WaitVisible(css("#key-secret")),
		)
		id, secret := text("#key-created"), text("#key-secret")
		if !strings.HasPrefix(secret, "lm_"+id+"_") {
			t.Fatalf("key %q, secret %q", id, secret)
		}
		if row := text("#key-" + id); !strings.Contains(row, "Packing bench ERP") || !strings.Contains(row, "never") {
			t.Fatalf("the new key's row: %q", row)
		}
		do("revoke it from its row",
			chromedp.Click(css("#revoke-"+id)),
			chromedp.WaitVisible(css("#key-"+id+" .badge")),
		)
		if row := text("#key-" + id); !strings.Contains(row, "revoked") {
			t.Fatalf("the revoked key's row: %q", row)
		}
		if k, err := c.app.Store.GetAPIKey(bg, id); err != nil || k.RevokedAt == nil {
			t.Fatalf("the key is not revoked: %+v %v", k, err)
		}

		viewer, err := c.app.Store.GetUserByEmail(bg, viewerEmail)
		if err != nil {
			t.Fatal(err)
		}
		do("remove the viewer's role",
			chromedp.Navigate(c.url+"/settings"),
			chromedp.WaitVisible(css("#remove-"+viewer.ID)),
			chromedp.Click(css("#remove-"+viewer.ID)),
			chromedp.WaitVisible(css(".flash")),
		)
		if s := text(".flash"); !strings.Contains(s, viewerEmail+" no longer has a role") {
			t.Fatalf("the flash after removal: %q", s)
		}
		if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#remove-`+viewer.ID+`').length`)); err != nil || n != 0 {
			t.Fatalf("the viewer is still listed with a remove button: %d %v", n, err)
		}
		if u, err := c.app.Store.GetUser(bg, viewer.ID); err != nil || u.Roles[c.shop] != "" {
			t.Fatalf("the viewer keeps a role: %v %v", u.Roles, err)
		}
	})
}
