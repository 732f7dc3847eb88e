package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"

	"lastmile/internal/trackno"
)

// maxTracknoLine bounds one stdin line; a tracking number is tens of characters, so a longer
// line is not a number but a wrong file.
const maxTracknoLine = 64 * 1024

const tracknoCheckUsage = `Usage: lastmile trackno check [--json] [NUMBER...]

Normalises each tracking number (removes spaces, full-width characters, Chinese brackets,
quotes and separators), recognises the carrier and verifies the check digit (R-SHIP-4).
Numbers come from the arguments or, when there are none, one per line on standard input
(blank lines skipped). Writes one JSON object per number to standard output:

  {"input":"...","normalized":"...","valid":true,"carrier":"ups","confidence":"checksum",...}

Invalid numbers get "valid":false and a "reason": empty, illegal_character, unknown_format,
check_digit_mismatch or wrong_length, with a "message" for people.

Exit status: 0 when every number is valid (or there were none), 1 when at least one is
invalid (every result is still written; its line says why) or the results could not be
written, 2 on bad flags or unreadable input.

Flags:
`

// runTracknoCheck is "lastmile trackno check".
func runTracknoCheck(ctx context.Context, args []string, s stdio) int {
	fs := flag.NewFlagSet("trackno check", flag.ContinueOnError)
	var flagOut bytes.Buffer
	fs.SetOutput(&flagOut)
	// JSON lines are the only output; the flag exists so scripts can say what they expect.
	fs.Bool("json", true, "write JSON lines (the only output format)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), tracknoCheckUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			_, _ = s.out.Write(flagOut.Bytes())
			return exitOK
		}
		_, _ = s.err.Write(flagOut.Bytes())
		return exitUsage
	}

	enc := json.NewEncoder(s.out)
	enc.SetEscapeHTML(false) // keep "<", ">" and "&" of pasted input readable
	// R-SHIP-4: a script uploading numbers must be able to stop on a bad one without parsing
	// the output, so an invalid number makes the exit status 1, after every result is printed.
	invalid := 0
	emit := func(number string) error {
		r := trackno.Check(number)
		if !r.Valid {
			invalid++
		}
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("writing result: %w", err)
		}
		return nil
	}
	done := func() int {
		if invalid > 0 {
			return exitFail
		}
		return exitOK
	}

	if fs.NArg() > 0 {
		for _, number := range fs.Args() {
			if err := emit(number); err != nil {
				fmt.Fprintf(s.err, "lastmile trackno check: %v\n", err)
				return exitFail
			}
		}
		return done()
	}

	sc := bufio.NewScanner(s.in)
	sc.Buffer(make([]byte, 0, 4096), maxTracknoLine)
	first := true
	for sc.Scan() {
		if err := ctx.Err(); err != nil {
			fmt.Fprintf(s.err, "lastmile trackno check: %v\n", err)
			return exitFail
		}
		line := sc.Text()
		if first {
			line = strings.TrimPrefix(line, "\ufeff") // a UTF-8 BOM from Excel or Notepad
			first = false
		}
		line = strings.TrimSuffix(line, "\r") // CRLF files
		if strings.TrimSpace(line) == "" {
			continue
		}
		if err := emit(line); err != nil {
			fmt.Fprintf(s.err, "lastmile trackno check: %v\n", err)
			return exitFail
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			err = fmt.Errorf("a line is longer than %d bytes; expected one tracking number per line", maxTracknoLine)
		}
		fmt.Fprintf(s.err, "lastmile trackno check: reading standard input: %v\n", err)
		return exitUsage
	}
	return done()
}
