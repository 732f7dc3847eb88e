package web_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"lastmile/internal/store"
)

// TestTodayDeadlinesPaged: Today lists the shop's breached deadlines from the store's index of
// open deadlines, 20 a page with a next link, none twice, and counts them all; the expected set
// is read order by order from each order's own deadlines.
func TestTodayDeadlinesPaged(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, db string) {
		c := newConsole(t, db)
		ctx := t.Context()
		want := map[string]bool{} // order id + rule of every breached deadline not met
		for i := range 12 {
			o := c.order("late-"+string(rune('a'+i)), false)
			if err := c.app.Tracker.Refresh(ctx, []string{c.shop}, o.ID); err != nil {
				t.Fatal(err)
			}
			rows, err := c.app.Store.ListDeadlines(ctx, []string{c.shop}, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range rows {
				if d.State == store.DeadlineBreached && d.MetAt.IsZero() {
					want[o.ID+" "+d.Rule+" "+d.Name] = true
				}
			}
		}
		if len(want) <= 20 {
			t.Fatalf("only %d breached deadlines: the test needs more than a page", len(want))
		}
		b := c.browser()
		b.login(viewerEmail) // reading Today needs no more than a viewer
		rowRE := regexp.MustCompile(`<p><a href="/orders/([^"]+)">[^<]*</a> · ([^<]*) <small>\(([^)]*)\)</small>`)
		nextRE := regexp.MustCompile(`href="/\?breached_after=([^"#]+)#breached" rel="next"`)
		seen := map[string]bool{}
		path := "/?lang=en"
		for pages := 0; ; pages++ {
			if pages > 5 {
				t.Fatal("the pages do not end")
			}
			p := b.get(path)
			sec := p.body[strings.Index(p.body, `id="breached"`):]
			sec = sec[:strings.Index(sec, "</section>")]
			if pages == 0 && !strings.Contains(sec, "("+strconv.Itoa(len(want))+")") {
				t.Fatalf("the heading does not count %d:\n%s", len(want), sec)
			}
			rows := rowRE.FindAllStringSubmatch(sec, -1)
			if len(rows) > 20 || len(rows) == 0 {
				t.Fatalf("page %d has %d rows", pages, len(rows))
			}
			for _, r := range rows {
				k := r[1] + " " + r[3] + " " + r[2]
				if seen[k] || !want[k] {
					t.Fatalf("page %d: %q shown twice or not breached (want %v)", pages, k, want)
				}
				seen[k] = true
			}
			m := nextRE.FindStringSubmatch(sec)
			if m == nil {
				break
			}
			path = "/?breached_after=" + m[1]
		}
		if len(seen) != len(want) {
			t.Fatalf("the pages showed %d of %d breached deadlines", len(seen), len(want))
		}
	})
}
