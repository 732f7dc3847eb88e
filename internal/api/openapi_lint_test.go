package api

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"lastmile/internal/testtool"
)

// TestOpenAPILint holds openapi.json to Redocly's recommended rules, warnings included, so that
// every operation keeps an operationId (client generators name methods from it) and documents
// its 4xx answers as routes are added (issue 16 item 7).
func TestOpenAPILint(t *testing.T) {
	node, dir := testtool.NodeModule(t, "@redocly/cli")
	cmd := exec.Command(node, filepath.Join(dir, "bin", "cli.js"), "lint", "--extends=recommended",
		"--format=stylish", "openapi.json")
	cmd.Env = append(cmd.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("redocly lint failed: %v\n%s", err, out)
	}
	// Redocly exits 0 on warnings; the project treats them as failures.
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "warning") && !strings.Contains(line, "Node.js") {
			t.Errorf("redocly lint: %s", strings.TrimSpace(line))
		}
	}
	if !strings.Contains(string(out), "valid") {
		t.Fatalf("redocly lint printed no verdict:\n%s", out)
	}
}
