package rating

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// CardError is one problem in a card file: the file, the line and the field (its path in the
// card, zones[0].brackets[2].max_g) it concerns, and what is wrong. Its text is
// "jt-us.yaml:14: zones[0].brackets[2].max_g: must be greater than the previous bracket (500)".
type CardError struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *CardError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s: %s", e.File, e.Line, e.Field, e.Msg)
}

// maxCardErrors bounds the problems reported for one file; the first ones are the useful ones.
const maxCardErrors = 20

// Load reads every *.yaml and *.yml file at the root of fsys as rate cards (the directory of
// `lastmile rate --cards`, or the embedded examples) and groups them with NewCards. Every
// problem of every file is reported, each naming its file, line and field.
func Load(fsys fs.FS) (*Cards, error) {
	all, _, err := loadFiles(fsys, "")
	if err != nil {
		return nil, err
	}
	return NewCards(all)
}

// loadFiles parses every card file at the root of fsys, naming each in errors as prefix+name,
// and returns the cards and the files they came from.
func loadFiles(fsys fs.FS, prefix string) ([]*Card, []string, error) {
	var names []string
	for _, pat := range []string{"*.yaml", "*.yml"} {
		m, err := fs.Glob(fsys, pat)
		if err != nil {
			return nil, nil, err
		}
		names = append(names, m...)
	}
	slices.Sort(names)
	if len(names) == 0 {
		return nil, nil, errors.New("no rate cards: the directory has no *.yaml file")
	}
	var (
		all  []*Card
		errs []error
	)
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", prefix+name, err))
			continue
		}
		cards, err := ParseCard(prefix+name, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		all = append(all, cards...)
	}
	if len(errs) > 0 {
		return nil, nil, errors.Join(errs...)
	}
	return all, names, nil
}

// ParseCard reads the card versions in one YAML file (one card per document; several
// documents separated by --- are several versions or services). file names the file in
// errors. Unknown fields, wrong types, amounts with more decimals than the currency, brackets
// out of order and the like are errors, each a *CardError; all of them are joined.
func ParseCard(file string, data []byte) ([]*Card, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var (
		cards []*Card
		l     = &loader{file: file}
	)
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if err == io.EOF {
			break
		}
		if err != nil {
			l.errs = append(l.errs, syntaxError(file, data, err))
			break
		}
		if len(doc.Content) == 0 {
			continue
		}
		root := doc.Content[0]
		if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
			continue // an empty document, e.g. after a trailing ---
		}
		if c := l.card(root); c != nil && len(l.errs) == 0 {
			cards = append(cards, c)
		}
		if len(l.errs) >= maxCardErrors {
			break
		}
	}
	if len(l.errs) > 0 {
		return nil, errors.Join(l.errs...)
	}
	if len(cards) == 0 {
		return nil, &CardError{File: file, Line: 1, Msg: "no rate card in the file"}
	}
	return cards, nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxError places a YAML parser error on its line. The parser does not give one for bad
// bytes; the first bad byte's line is used then.
func syntaxError(file string, data []byte, err error) error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return &CardError{File: file, Line: n, Msg: "not valid YAML: " + oneLine(m[2])}
	}
	line := 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 || r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			break
		}
		if r == '\n' {
			line++
		}
		i += size
	}
	return &CardError{File: file, Line: line, Msg: "not valid YAML: " + oneLine(strings.TrimPrefix(msg, "yaml: "))}
}
