package main

import (
	"context"
	"os"
)

// runConfigPrint is `lastmile config print [--config FILE]`: it writes the configuration a
// server would run with (the defaults, the file, then the environment) as YAML, every key
// included, each figure with its rule id; reading the output back gives the same configuration.
// A configuration with errors prints them, each with its file, line and key, and exits 2.
func runConfigPrint(_ context.Context, args []string, s stdio) int {
	fs := newFlags("config print", "config print [--config FILE] > lastmile.yaml", s)
	cfgPath := configFlag(fs)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	cfg, err := loadConfig(*cfgPath, os.LookupEnv, nil)
	if err != nil {
		return failConfig(s, "config print", err)
	}
	out, err := cfg.Marshal()
	if err != nil {
		return fail(s, "config print", err)
	}
	if _, err := s.out.Write(out); err != nil {
		return fail(s, "config print", err)
	}
	return exitOK
}
