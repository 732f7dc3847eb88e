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

	"lastmile/internal/app"
	"lastmile/internal/model"
	"lastmile/internal/order/ordercsv"
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
	in, code, ok := openFileImport(ctx, fs, args, s, "import orders", "the shop the orders belong to (required)", "importing orders")
	if !ok {
		return code
	}
	defer in.close()
	markets := in.app.Config.Markets
	opt := ordercsv.Options{Location: func(m model.Market) *time.Location {
		loc, err := time.LoadLocation(markets[m].TimeZone)
		if err != nil {
			return time.UTC
		}
		return loc
	}}
	sum, err := in.app.Orders.ImportCSV(ctx, model.Scope{ShopIDs: []string{in.shop}}, in.shop, in.src, opt, ordercsv.NewResultWriter(in.out), nil)
	var he *ordercsv.HeaderError
	if errors.As(err, &he) {
		fmt.Fprintf(s.err, "lastmile import orders: %s: %v\n", in.file, he)
		return exitUsage
	}
	if err != nil {
		return fail(s, "import orders", fmt.Errorf("%s: after %d rows: %w", in.file, sum.Rows, err))
	}
	fmt.Fprintf(s.err, "lastmile import orders: %s: %d rows, %d orders (%s)\n", in.file, sum.Rows, sum.Orders, statusCounts(sum.ByOrder))
	return in.refused("import orders", sum.Refused)
}

// fileImport is an import command's input, store and output, opened from its flags.
type fileImport struct {
	file  string    // the file's name, for messages
	src   io.Reader // the file, through a progress bar on a terminal
	app   *app.App
	shop  string    // --shop, which exists
	out   io.Writer // where the per-row results go
	msgs  io.Writer // standard error
	close func()
}

// openFileImport adds an import command's flags (--db, --shop with shopHelp, --out) to fs,
// parses args (one FILE), opens the file (with a progress bar saying progress on a terminal),
// the app and the results output, and checks that the shop exists. When it cannot, it says why and returns the exit code and false.
func openFileImport(ctx context.Context, fs *flag.FlagSet, args []string, s stdio, what, shopHelp, progress string) (*fileImport, int, bool) {
	db := dbFlag(fs)
	shop := fs.String("shop", "", shopHelp)
	out := fs.String("out", "-", "where to write the per-row results; - is standard output")
	file, code, ok := parseOneArg(fs, args)
	if !ok {
		return nil, code, false
	}
	if *shop == "" {
		fmt.Fprintf(s.err, "lastmile %s: --shop is required\n", what)
		fs.Usage()
		return nil, exitUsage, false
	}
	f, err := os.Open(file)
	if err != nil {
		fmt.Fprintf(s.err, "lastmile %s: %v\n", what, err)
		return nil, exitUsage, false
	}
	a, err := openApp(ctx, *db, s)
	if err != nil {
		f.Close()
		return nil, fail(s, what, err), false
	}
	in := &fileImport{file: file, src: f, app: a, shop: *shop, msgs: s.err}
	closers := []func(){func() { a.Close() }, func() { f.Close() }}
	in.close = func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	if _, err := a.Store.GetShop(ctx, *shop); err != nil {
		in.close()
		return nil, fail(s, what, fmt.Errorf("--shop %s: %w", *shop, err)), false
	}
	dst, closeOut, err := openOut(*out, s.out)
	if err != nil {
		in.close()
		return nil, fail(s, what, err), false
	}
	in.out = dst
	closers = append(closers, closeOut)
	if bar := newProgressBar(s.err, f, progress); bar != nil {
		in.src = io.TeeReader(f, bar)
		closers = append(closers, func() { bar.Finish() })
	}
	return in, 0, true
}

// refused is an import's exit code: 1 when some rows were refused, after saying so.
func (in *fileImport) refused(what string, rows int) int {
	if rows > 0 {
		fmt.Fprintf(in.msgs, "lastmile %s: %d rows refused; the results say why\n", what, rows)
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
