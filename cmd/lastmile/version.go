package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func runVersion(ctx context.Context, args []string, s stdio) int {
	fs := newFlags("version", "version", s)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	v := version
	if info, ok := debug.ReadBuildInfo(); ok && v == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v = info.Main.Version
	}
	fmt.Fprintf(s.out, "lastmile %s\n", v)
	return exitOK
}
