package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strconv"

	"lastmile/internal/address"
	"lastmile/internal/model"
)

// maxAddressLine bounds one input line: far above any real address, low enough that a file
// without line breaks cannot exhaust memory.
const maxAddressLine = 16 << 20

// runAddressCheck is `lastmile address check`: it reads addresses as JSON lines on stdin (one
// object per line, the fields of model.Address; blank lines skipped; a UTF-8 BOM and CRLF
// line ends tolerated) and writes one JSON line per address: the address.Result
// {"valid":…,"normalized":{…},"problems":[…],"remote_area":…}.
//
// It exits 0 when every line was read, whether the addresses are valid or not. A line that is
// not a JSON object is unreadable input: the results of the lines before it have already been
// written (output is streamed), a message naming the line goes to stderr and the exit code is
// 2, so a caller must not take partial output for a complete run.
func runAddressCheck(ctx context.Context, args []string, s stdio) int {
	fs := flag.NewFlagSet("address check", flag.ContinueOnError)
	fs.SetOutput(s.err)
	fs.Usage = func() {
		fmt.Fprintln(s.err, "Usage: lastmile address check < addresses.jsonl")
		fmt.Fprintln(s.err, "\nReads one address JSON object per line on stdin (name, company, line1, line2, city,")
		fmt.Fprintln(s.err, "region, postal_code, country, phone, email) and writes one result per line:")
		fmt.Fprintln(s.err, `  {"valid":true,"normalized":{...},"problems":[],"remote_area":false}`)
		fmt.Fprintln(s.err, "\nExit status: 0 when every line was read (valid or not), 2 on unreadable input.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(s.err, "lastmile address check: unexpected argument %q (addresses are read from stdin)\n", fs.Arg(0))
		fs.Usage()
		return exitUsage
	}

	out := bufio.NewWriter(s.out)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false) // addresses contain & and <; keep them readable
	rules := address.DefaultRules()

	sc := bufio.NewScanner(s.in)
	sc.Buffer(make([]byte, 0, 64<<10), maxAddressLine)
	for n := 1; sc.Scan(); n++ {
		if err := ctx.Err(); err != nil {
			out.Flush()
			fmt.Fprintf(s.err, "lastmile address check: stopped at line %d: %v\n", n, err)
			return exitFail
		}
		line := sc.Bytes()
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		line = bytes.TrimSpace(line) // also drops the \r of CRLF
		if len(line) == 0 {
			continue
		}
		a, err := decodeAddress(line)
		if err != nil {
			out.Flush()
			fmt.Fprintf(s.err, "lastmile address check: line %d: %v\n", n, err)
			return exitUsage
		}
		if err := enc.Encode(rules.Check(a)); err != nil {
			fmt.Fprintf(s.err, "lastmile address check: writing result of line %d: %v\n", n, err)
			return exitFail
		}
	}
	if err := sc.Err(); err != nil {
		out.Flush()
		if errors.Is(err, bufio.ErrTooLong) {
			fmt.Fprintf(s.err, "lastmile address check: a line is longer than %d bytes\n", maxAddressLine)
		} else {
			fmt.Fprintf(s.err, "lastmile address check: reading stdin: %v\n", err)
		}
		return exitUsage
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(s.err, "lastmile address check: writing results: %v\n", err)
		return exitFail
	}
	return exitOK
}

// decodeAddress reads one JSON object into an address. Fields are strings; a number is taken
// as its literal text (spreadsheets export postal codes and phones as numbers) and null as
// empty. Unknown fields are ignored, so order objects with more fields can be piped in.
func decodeAddress(line []byte) (model.Address, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(line, &raw); err != nil || raw == nil {
		return model.Address{}, errors.New("not a JSON object")
	}
	var a model.Address
	fields := []struct {
		name string
		dst  *string
	}{
		{"name", &a.Name}, {"company", &a.Company}, {"line1", &a.Line1}, {"line2", &a.Line2},
		{"city", &a.City}, {"region", &a.Region}, {"postal_code", &a.PostalCode},
		{"country", &a.Country}, {"phone", &a.Phone}, {"email", &a.Email},
	}
	for _, f := range fields {
		v, ok := raw[f.name]
		if !ok {
			continue
		}
		s, err := jsonText(v)
		if err != nil {
			return model.Address{}, fmt.Errorf("field %q: %w", f.name, err)
		}
		*f.dst = s
	}
	return a, nil
}

func jsonText(v json.RawMessage) (string, error) {
	v = bytes.TrimSpace(v)
	switch {
	case len(v) == 0 || string(v) == "null":
		return "", nil
	case v[0] == '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return "", err
		}
		return s, nil
	case v[0] == '-' || v[0] >= '0' && v[0] <= '9':
		var n json.Number
		if err := json.Unmarshal(v, &n); err != nil {
			return "", err
		}
		if _, err := strconv.ParseFloat(n.String(), 64); err != nil {
			return "", err
		}
		return n.String(), nil
	}
	return "", errors.New("want a string")
}
