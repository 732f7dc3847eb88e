// Package docs holds lastmile's documents. Its tests keep the rule book (rules.md, and its
// Chinese twin rules.zh-CN.md) complete: every rule id the code, the documents or the example
// rate cards cite must have its row in both, so a rule cannot be cited without being written
// up; and no file may send its reader to the rules' source outside the repository.
package docs

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// ruleID is a rule id as cited: R-SHIP-4.
var ruleID = regexp.MustCompile(`\bR-[A-Z]+-[0-9]+\b`)

// ruleRow is a row of a rule book's tables: its first cell is the id.
var ruleRow = regexp.MustCompile(`(?m)^\| (R-[A-Z]+-[0-9]+) \|`)

// rows returns the ids of the rule book at path, in order, failing on an id listed twice and
// on a row without the six cells of the table (id, rule, default, configured, package, status).
func rows(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, line := range strings.Split(string(data), "\n") {
		m := ruleRow.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if slices.Contains(ids, m[1]) {
			t.Errorf("%s: %s has two rows", path, m[1])
		}
		ids = append(ids, m[1])
		cells := strings.Split(strings.ReplaceAll(line, `\|`, ""), "|")
		if n := len(cells) - 2; n != 6 {
			t.Errorf("%s: the row of %s has %d cells, want 6 (id, rule, default, configured, package, status)", path, m[1], n)
			continue
		}
		for i, c := range cells[1:7] {
			if strings.TrimSpace(c) == "" {
				t.Errorf("%s: the row of %s has an empty cell %d (write — for none)", path, m[1], i+1)
			}
		}
	}
	if len(ids) == 0 {
		t.Fatalf("%s lists no rule", path)
	}
	return ids
}

// eachFile calls fn with the repository path and content of every Go, Markdown and YAML file
// of the repository: code, error messages, tests, documents and rate cards.
func eachFile(t *testing.T, fn func(path string, data []byte)) {
	t.Helper()
	root := ".."
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(name) {
		case ".go", ".md", ".yaml", ".yml":
		default:
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		fn(filepath.ToSlash(rel), data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// cited returns every rule id cited in the repository, each with the first file citing it.
func cited(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	eachFile(t, func(path string, data []byte) {
		for _, id := range ruleID.FindAllString(string(data), -1) {
			if _, ok := out[id]; !ok {
				out[id] = path
			}
		}
	})
	return out
}

// TestEveryCitedRuleIsWrittenUp: a rule id cited anywhere in the repository has its row in
// rules.md.
func TestEveryCitedRuleIsWrittenUp(t *testing.T) {
	book := rows(t, "rules.md")
	ids := cited(t)
	if len(ids) < 20 {
		t.Fatalf("found only %d cited rule ids: is the walk looking at the repository?", len(ids))
	}
	for id, where := range ids {
		if !slices.Contains(book, id) {
			t.Errorf("%s cites %s, which docs/rules.md does not list: add its row (and to rules.zh-CN.md)", where, id)
		}
	}
}

// TestRuleBooksAgree: the Chinese rule book lists the same rules in the same order.
func TestRuleBooksAgree(t *testing.T) {
	en, zh := rows(t, "rules.md"), rows(t, "rules.zh-CN.md")
	if !slices.Equal(en, zh) {
		for _, id := range en {
			if !slices.Contains(zh, id) {
				t.Errorf("rules.zh-CN.md lacks %s", id)
			}
		}
		for _, id := range zh {
			if !slices.Contains(en, id) {
				t.Errorf("rules.md lacks %s", id)
			}
		}
		t.Errorf("the two rule books list different rules or a different order:\n en %v\n zh %v", en, zh)
	}
}

// outside matches a reference to the rule book's source outside the repository: the product
// explains itself, so code, messages and documents cite docs/rules.md instead.
var outside = regexp.MustCompile(`\.\./shared|\bDOMAIN\.md`)

// TestNothingPointsOutsideTheRepository: no file sends its reader to ../shared or DOMAIN.md.
func TestNothingPointsOutsideTheRepository(t *testing.T) {
	eachFile(t, func(path string, data []byte) {
		if path == "docs/rules_test.go" {
			return
		}
		for i, line := range strings.Split(string(data), "\n") {
			if m := outside.FindString(line); m != "" {
				t.Errorf("%s:%d points to %s, outside the repository: cite docs/rules.md (or write what the reader needs here)", path, i+1, m)
			}
		}
	})
}
