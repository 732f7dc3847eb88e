package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"lastmile/internal/model"
	"lastmile/internal/ordercsv"
	"lastmile/internal/orderimport"
)

const importUsage = `Usage: lastmile import orders FILE.csv --shop ID [--db URL] [--out RESULTS.csv]

Imports orders from a CSV file (one row per order line; columns in docs/csv.md), saved by Excel
as UTF-8 (with or without BOM) or GB18030/GBK. Good rows are imported, bad rows reported; importing
the same file again changes nothing. Writes one result per row (row,external_id,status,problems)
to --out, or to standard output. Statuses: created, updated, unchanged, stale, held (stored but
needs attention), refused (not stored).

Exit status: 0 when every row was imported, 1 when some rows were refused (see the results),
2 when the file cannot be read or the flags are wrong.

Flags:
`

func runImportOrders(ctx context.Context, args []string, s stdio) int {
	fs := flag.NewFlagSet("lastmile import orders", flag.ContinueOnError)
	fs.SetOutput(s.err)
	fs.Usage = func() {
		fmt.Fprint(s.err, importUsage)
		fs.PrintDefaults()
	}
	db := dbFlag(fs)
	shop := fs.String("shop", "", "the shop the orders belong to (required)")
	out := fs.String("out", "-", "where to write the per-row results; - is standard output")
	file, code, ok := parseOneArg(fs, args)
	if !ok {
		return code
	}
	if *shop == "" {
		fmt.Fprintln(s.err, "lastmile import orders: --shop is required")
		fs.Usage()
		return exitUsage
	}
	f, err := os.Open(file)
	if err != nil {
		fmt.Fprintf(s.err, "lastmile import orders: %v\n", err)
		return exitUsage
	}
	defer f.Close()

	a, err := openApp(ctx, *db, s)
	if err != nil {
		return fail(s, "import orders", err)
	}
	defer a.Close()
	if _, err := a.Store.GetShop(ctx, *shop); err != nil {
		return fail(s, "import orders", fmt.Errorf("--shop %s: %w", *shop, err))
	}

	dst, closeOut, err := openOut(*out, s.out)
	if err != nil {
		return fail(s, "import orders", err)
	}
	defer closeOut()

	var src io.Reader = f
	if bar := newProgressBar(s.err, f, "importing orders"); bar != nil {
		src = io.TeeReader(f, bar)
		defer bar.Finish()
	}
	markets := a.Config.Markets
	opt := ordercsv.Options{Location: func(m model.Market) *time.Location {
		loc, err := time.LoadLocation(markets[m].TimeZone)
		if err != nil {
			return time.UTC
		}
		return loc
	}}
	im := orderimport.Importer{Orders: a.Orders}
	sum, err := im.Import(ctx, model.Scope{ShopIDs: []string{*shop}}, *shop, src, opt, ordercsv.NewResultWriter(dst), nil)
	var he *ordercsv.HeaderError
	switch {
	case errors.As(err, &he):
		fmt.Fprintf(s.err, "lastmile import orders: %s: %v\n", file, he)
		return exitUsage
	case err != nil:
		return fail(s, "import orders", fmt.Errorf("%s: after %d rows: %w", file, sum.Rows, err))
	}
	fmt.Fprintf(s.err, "lastmile import orders: %s: %d rows, %d orders (%s)\n", file, sum.Rows, sum.Orders, statusCounts(sum.ByOrder))
	if sum.Refused > 0 {
		fmt.Fprintf(s.err, "lastmile import orders: %d rows refused; the results say why\n", sum.Refused)
		return exitFail
	}
	return exitOK
}

// parseOneArg parses flags given before or after one positional argument.
func parseOneArg(fs *flag.FlagSet, args []string) (arg string, code int, ok bool) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return "", exitOK, false
			}
			return "", exitUsage, false
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) != 1 {
		fmt.Fprintf(fs.Output(), "want exactly one file, got %d\n", len(pos))
		fs.Usage()
		return "", exitUsage, false
	}
	return pos[0], 0, true
}

// newProgressBar returns a byte progress bar for reading f on w when w is a terminal, else nil.
func newProgressBar(w io.Writer, f *os.File, what string) *progressbar.ProgressBar {
	tf, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(tf.Fd())) {
		return nil
	}
	st, err := f.Stat()
	if err != nil {
		return nil
	}
	return progressbar.NewOptions64(st.Size(), progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(what),
		progressbar.OptionShowBytes(true), progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
}

func statusCounts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}
