// Package testtool finds the outside programs that tests use as independent checkers (node with
// the npm packages of tools/js, zbarimg, pdftoppm, chromium). A missing tool fails the test in CI
// (CI or LASTMILE_CI set), where .ci/run installs every one; elsewhere it skips the test with a
// message that says how to install it, so `make test` runs on a machine with only Go.
package testtool

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// InCI reports whether the tests run in CI, where every tool must be present.
func InCI() bool { return os.Getenv("CI") != "" || os.Getenv("LASTMILE_CI") != "" }

// Missing skips t outside CI and fails it in CI, naming what is missing and how to install it.
func Missing(t testing.TB, what, install string) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s is missing in CI (.ci/run installs it: %s)", what, install)
	}
	t.Skipf("*** SKIPPED: %s is not installed; install it with: %s", what, install)
}

// Command returns the path of the program name, or skips or fails t when it is not installed.
func Command(t testing.TB, name, install string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, name, install)
	}
	return p
}

// Root is the repository's root directory (the one with go.mod).
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// NodeModule returns node's path and the directory of the npm package pkg installed under
// tools/js/node_modules, or skips or fails t when either is missing.
func NodeModule(t testing.TB, pkg string) (node, dir string) {
	t.Helper()
	install := "npm ci --prefix tools/js"
	node = Command(t, "node", "apt-get install nodejs npm, then "+install)
	dir = filepath.Join(Root(), "tools", "js", "node_modules", filepath.FromSlash(pkg))
	if _, err := os.Stat(dir); err != nil {
		Missing(t, "npm package "+pkg, install)
	}
	return node, dir
}
