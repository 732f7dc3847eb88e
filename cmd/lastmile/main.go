// Command lastmile is the fulfilment and last-mile logistics engine: one binary with an HTTP API,
// background workers and a CLI. main only parses flags and calls into internal/.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// stdio is what a subcommand reads from and writes to; tests pass buffers.
type stdio struct {
	in  io.Reader
	out io.Writer
	err io.Writer
}

// command is one subcommand. name may have two words ("shop create").
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, s stdio) int
}

// Exit codes shared by every subcommand.
const (
	exitOK    = 0
	exitFail  = 1 // the command ran and failed
	exitUsage = 2 // bad flags or unreadable input
)

func commands() []command {
	return []command{
		{"serve", "serve the HTTP API (--config, --db, --addr)", runServe},
		{"migrate", "apply schema migrations to --db", runMigrate},
		{"config print", "write the effective configuration (defaults, --config file, environment) as YAML", runConfigPrint},
		{"demo", "serve on 127.0.0.1:8080 with SQLite in ./lastmile-data, demo shops, stock and orders, some shipped", runDemo},
		{"shop create", "create a shop and its first API key (--db, --name, --market)", runShopCreate},
		{"key create", "create an API key for one or more shops (--db, --shop)", runKeyCreate},
		{"key revoke", "revoke an API key (--db, --key-id)", runKeyRevoke},
		{"user create", "create a console user, or give one a role in another shop (--db, --shop, --email, --password-stdin, --role)", runUserCreate},
		{"import orders", "import orders from a CSV file (UTF-8 or GBK), per-row results out", runImportOrders},
		{"stock import", "import stock counts from a CSV file (warehouse,sku,on_hand,safety_stock,reason)", runStockImport},
		{"stock export", "export stock levels as a CSV file that re-imports unchanged", runStockExport},
		{"label render", "render shipping labels (JSON on stdin) as ZPL, PDF or PNG", runLabelRender},
		{"ship", "ship orders through a running server: ORDER_ID… or --ready, progress and per-order results (--url, --key)", runShip},
		{"rate", "quote an order against the rate cards (JSON on stdin)", runRate},
		{"address check", "normalise and validate addresses: JSON lines on stdin, results on stdout", runAddressCheck},
		{"trackno check", "normalise tracking numbers, detect the carrier, verify check digits", runTracknoCheck},
		{"sim carriers", "run the simulated carrier network alone (--addr, --latency, --fault-rate, --rate-limit, --state)", runSimCarriers},
		{"connect tiktok", "connect a TikTok Shop to a shop with an authorisation code (--shop, --auth-code; the simulator issues one)", runConnectTikTok},
		{"sim tiktok", "run the simulated TikTok Shop platform alone (--addr, --app-key, --app-secret, --webhook-url)", runSimTikTok},
		{"scores", "print the week's logistics scores and LTS per carrier, lane, market or shop (--shop, --period, --group-by)", runScores},
		{"bench", "measure ingest throughput and GET latency on SQLite (and PostgreSQL with --postgres)", runBench},
		{"bench ship", "batch-ship N orders end to end against the carrier sim: wall time, orders/s, lost, bought twice, peak RSS", runBenchShip},
		{"version", "print the version", runVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr})
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, s stdio) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(s.out)
		return exitOK
	}
	cmds := commands()
	// Two-word commands first, so "shop create" wins over a one-word "shop".
	if len(args) >= 2 {
		for _, c := range cmds {
			if c.name == args[0]+" "+args[1] {
				return c.run(ctx, args[2:], s)
			}
		}
	}
	for _, c := range cmds {
		if c.name == args[0] {
			return c.run(ctx, args[1:], s)
		}
	}
	fmt.Fprintf(s.err, "lastmile: unknown command %q; run 'lastmile help' for the list\n", strings.Join(args[:min(2, len(args))], " "))
	return exitUsage
}

func usage(w io.Writer) {
	cmds := commands()
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	fmt.Fprintln(w, "lastmile: fulfilment and last-mile logistics engine")
	fmt.Fprintln(w, "\nUsage: lastmile COMMAND [flags]   (each command has --help)")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-16s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "  %-16s %s\n", "help", "this list")
}
