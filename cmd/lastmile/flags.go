package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"lastmile/internal/app"
	"lastmile/internal/config"
)

// defaultDB is where serve and the admin commands find the store when --db is not given.
const defaultDB = "sqlite:./lastmile-data/lastmile.db"

// newFlags returns a FlagSet for a subcommand that prints its usage to s.err.
func newFlags(name, synopsis string, s stdio) *flag.FlagSet {
	fs := flag.NewFlagSet("lastmile "+name, flag.ContinueOnError)
	fs.SetOutput(s.err)
	fs.Usage = func() {
		fmt.Fprintf(s.err, "Usage: lastmile %s\n\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args; it returns the exit code to use and false when the command must stop.
func parse(fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return exitUsage, false
	}
	return 0, true
}

// dbFlag adds --db, falling back to $LASTMILE_DB and then the default.
func dbFlag(fs *flag.FlagSet) *string {
	def := os.Getenv("LASTMILE_DB")
	if def == "" {
		def = defaultDB
	}
	return fs.String("db", def, "store: sqlite:PATH or postgres://user@host/db (env LASTMILE_DB)")
}

// configFlag adds --config, the configuration file, falling back to $LASTMILE_CONFIG.
func configFlag(fs *flag.FlagSet) *string {
	return fs.String("config", os.Getenv("LASTMILE_CONFIG"),
		"configuration file, YAML (docs/configuration.md; 'lastmile config print' writes one) (env LASTMILE_CONFIG)")
}

// loadConfig reads the configuration of a server command: the defaults, then the file at path
// (none when ""), then the environment (LASTMILE_DB, LASTMILE_ADDR, …), then apply with the
// flags the command line set; each later source wins. The result is validated.
func loadConfig(path string, lookup func(string) (string, bool), apply func(*config.Config)) (config.Config, error) {
	cfg := config.Config{}.WithDefaults()
	if path != "" {
		var err error
		if cfg, err = config.Load(path); err != nil {
			return config.Config{}, err
		}
	}
	if err := cfg.ApplyEnv(lookup); err != nil {
		return config.Config{}, err
	}
	if apply != nil {
		apply(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		return config.Config{}, err
	}
	return cfg, nil
}

// setFlags reports which flags the command line set.
func setFlags(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// failConfig prints every configuration problem on its own line and returns exitUsage.
func failConfig(s stdio, what string, err error) int {
	for _, line := range strings.Split(err.Error(), "\n") {
		fmt.Fprintf(s.err, "lastmile %s: %s\n", what, line)
	}
	return exitUsage
}

func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}

// openApp builds the app for an admin command: migrations applied, logs only for warnings. The
// markets and shops' figures come from $LASTMILE_CONFIG when it names a file (a market the file
// adds can have shops; an import checks orders with the shops' figures); the store is --db's,
// and the rate cards are not loaded (no admin command quotes).
func openApp(ctx context.Context, db string, s stdio) (*app.App, error) {
	log := slog.New(slog.NewTextHandler(s.err, &slog.HandlerOptions{Level: slog.LevelWarn}))
	builtin := true
	cfg, err := loadConfig(os.Getenv("LASTMILE_CONFIG"), os.LookupEnv, func(c *config.Config) {
		c.DB, c.RateCards, c.RateCardsBuiltin = db, "", &builtin
	})
	if err != nil {
		return nil, err
	}
	return app.New(ctx, cfg, true, log, time.Now)
}

func printJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// fail prints err and returns exitFail.
func fail(s stdio, what string, err error) int {
	fmt.Fprintf(s.err, "lastmile %s: %v\n", what, err)
	return exitFail
}

// listFlag is a repeatable flag that also splits on commas.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}
