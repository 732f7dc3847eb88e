package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"lastmile/internal/sla"
	"lastmile/internal/tracker"
)

const scoresUsage = `Usage: lastmile scores --shop ID[,ID…] [--db URL] [--period 2026-W49|7d|30d] [--group-by carrier|lane|market|shop]

Prints the week's logistics scores (docs/tracking.md): late dispatch, valid tracking, on-time
delivery, delivery exceptions, tracking completeness, confirmation timeouts, seller-fault
cancellations and lastmile's LTS per group, then the forecast of the period from the parcels
still in flight, then the scores beyond their thresholds. The default period is this ISO week.

Flags:
`

func runScores(ctx context.Context, args []string, s stdio) int {
	fs := flag.NewFlagSet("lastmile scores", flag.ContinueOnError)
	fs.SetOutput(s.err)
	fs.Usage = func() {
		fmt.Fprint(s.err, scoresUsage)
		fs.PrintDefaults()
	}
	db := dbFlag(fs)
	shops := fs.String("shop", "", "the shops to score, comma-separated (required)")
	period := fs.String("period", "", "an ISO week (2026-W49), or 7d or 30d; default this week")
	groupBy := fs.String("group-by", "carrier", "carrier, lane, market or shop")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *shops == "" {
		fmt.Fprintln(s.err, "lastmile scores: --shop is required")
		fs.Usage()
		return exitUsage
	}
	by, err := sla.ParseGroupBy(*groupBy)
	if err != nil {
		fmt.Fprintf(s.err, "lastmile scores: --group-by: %v\n", err)
		return exitUsage
	}
	a, err := openApp(ctx, *db, s)
	if err != nil {
		return fail(s, "scores", err)
	}
	defer a.Close()
	p := *period
	if p == "" {
		y, w := a.Tracker.Now().UTC().ISOWeek()
		p = fmt.Sprintf("%04d-W%02d", y, w)
	}
	rep, err := a.Tracker.Scores(ctx, strings.Split(*shops, ","), p, by)
	if err != nil {
		return fail(s, "scores", err)
	}
	if err := tracker.WriteTable(s.out, rep); err != nil {
		return fail(s, "scores", err)
	}
	return exitOK
}
