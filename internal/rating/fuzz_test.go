package rating

import (
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"lastmile/examples/ratecards"
)

// errLine is the shape of every line of a card error: file, line, then the problem.
var errLine = regexp.MustCompile(`^fuzz\.yaml:[1-9][0-9]*: \S`)

// FuzzLoadCard: the card loader never panics; a bad card's error names the file and line of
// every problem, one per line; a card it accepts rates any parcel without panicking, with
// lines that add up to the total.
func FuzzLoadCard(f *testing.F) {
	for _, fsys := range []fs.FS{ratecards.FS, os.DirFS("testdata/cards")} {
		names, _ := fs.Glob(fsys, "*.yaml")
		for _, n := range names {
			data, err := fs.ReadFile(fsys, n)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte(jtUS))
	f.Add([]byte(strings.Replace(jtUS, "max_g: 1000", "max_g: 500", 1)))
	f.Add([]byte("carrier: [\n"))
	f.Add([]byte("a: &x [1]\nb: *x\n"))
	f.Add([]byte("---\n---\n"))

	f.Fuzz(func(t *testing.T, data []byte) {
		cards, err := ParseCard("fuzz.yaml", data)
		if err != nil {
			checkErrLines(t, err)
			return
		}
		if len(cards) == 0 {
			t.Fatal("no cards and no error")
		}
		set, err := NewCards(cards)
		if err != nil {
			checkErrLines(t, err)
			return
		}
		var res Result
		for _, c := range cards {
			for _, z := range c.zones {
				for _, g := range []int64{1, 500, 501, 30_000, maxChargeableG + 1} {
					now := c.EffectiveFrom.Time().Add(10 * time.Hour)
					req := &Request{
						Market: Market{Code: c.Markets[0], PromiseDays: 5, CODAllowed: true, CertifiedOnly: true},
						Dest:   Destination{Country: z.country, Region: "AK", Postal: "99501"},
						Parcel: Parcel{WeightG: g, LengthMM: 400, WidthMM: 300, HeightMM: 200},
						PaidAt: now, Now: now, Currency: c.Currency, Declared: 10_000, COD: 5_000,
						Options: []string{"priority", "insurance"}, MonthlyParcels: map[string]int64{c.Carrier: 1 << 20},
					}
					set.Rate(req, &res)
					res.Select(BestValue, 50)
					for i := range res.Quotes {
						q := &res.Quotes[i]
						var sum int64
						for _, l := range q.Lines {
							sum += l.Amount
						}
						if sum != q.Total || q.Eligible && (!q.Priced || !q.MeetsPromise) {
							t.Fatalf("quote %+v: lines add up to %d", q, sum)
						}
						for _, r := range q.Reasons.List() {
							_ = res.Message(q, req, r)
						}
					}
				}
			}
		}
	})
}

func checkErrLines(t *testing.T, err error) {
	t.Helper()
	for _, line := range strings.Split(err.Error(), "\n") {
		if !errLine.MatchString(line) {
			t.Fatalf("error line %q does not name the file and line\nwhole error: %v", line, err)
		}
	}
}
