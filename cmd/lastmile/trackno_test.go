package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"lastmile/internal/trackno"
)

// runTracknoForTest runs "lastmile trackno check" with stdin and returns the exit code, stdout and stderr.
func runTracknoForTest(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := runTracknoCheck(context.Background(), args, stdio{in: strings.NewReader(stdin), out: &out, err: &errOut})
	return code, out.String(), errOut.String()
}

// decodeTracknoResults parses JSON lines of trackno.Result.
func decodeTracknoResults(t *testing.T, out string) []trackno.Result {
	t.Helper()
	var rs []trackno.Result
	dec := json.NewDecoder(strings.NewReader(out))
	for dec.More() {
		var r trackno.Result
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("output is not JSON lines: %v\n%s", err, out)
		}
		rs = append(rs, r)
	}
	if strings.Count(out, "\n") != len(rs) {
		t.Fatalf("want one line per result:\n%s", out)
	}
	return rs
}

// Test numbers: the check digits are worked out by hand from the published schemes.
const (
	// S10: serial 12345678 weighted 8,6,4,2,3,5,9,7 sums to 204; 204 mod 11 = 6; 11 − 6 = 5.
	tnRoyalMail = "RB123456785GB"
	// DHL Express: 123456789 mod 7 = 1.
	tnDHL = "1234567891"
)

func TestTracknoCheckArgs(t *testing.T) {
	t.Parallel()
	code, out, errOut := runTracknoForTest(t, "", "--json", "rb 1234 5678 5 gb", "【"+tnDHL+"】", "1Z#1")
	if code != exitFail || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	rs := decodeTracknoResults(t, out)
	if len(rs) != 3 {
		t.Fatalf("%d results, want 3", len(rs))
	}
	if r := rs[0]; !r.Valid || r.Normalized != tnRoyalMail || r.Carrier != trackno.RoyalMail || r.Operator != "Royal Mail" || r.Confidence != trackno.ConfidenceChecksum || r.Input != "rb 1234 5678 5 gb" {
		t.Errorf("first: %+v", r)
	}
	if r := rs[1]; !r.Valid || r.Carrier != trackno.DHLExpress {
		t.Errorf("second: %+v", r)
	}
	if r := rs[2]; r.Valid || r.Reason != trackno.ReasonIllegalCharacter || r.Message != "illegal character '#' at position 3" {
		t.Errorf("third: %+v", r)
	}
}

// TestTracknoCheckStdin: one number per line, BOM and CRLF handled, blank lines skipped, invalid
// numbers reported with the others (R-SHIP-4 batch check of a pasted spreadsheet column).
func TestTracknoCheckStdin(t *testing.T) {
	t.Parallel()
	in := "\ufeff" + tnRoyalMail + "\r\n\r\n   \r\n" + "１２３４５６７８９１\r\n" + "not a number\n" + tnDHL
	code, out, errOut := runTracknoForTest(t, in)
	if code != exitFail || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	rs := decodeTracknoResults(t, out)
	if len(rs) != 4 {
		t.Fatalf("%d results, want 4:\n%s", len(rs), out)
	}
	if rs[0].Input != tnRoyalMail || !rs[0].Valid {
		t.Errorf("BOM or CR kept: %+v", rs[0])
	}
	if !rs[1].Valid || rs[1].Normalized != tnDHL {
		t.Errorf("full-width line: %+v", rs[1])
	}
	if rs[2].Valid || rs[2].Reason != trackno.ReasonUnknownFormat {
		t.Errorf("garbage line: %+v", rs[2])
	}
	if !rs[3].Valid || rs[3].Input != tnDHL {
		t.Errorf("last line without newline: %+v", rs[3])
	}
}

// TestTracknoCheckExitStatus: exit 1 as soon as one number is invalid, from the arguments or
// from standard input, with every result still written; exit 0 only when all are valid.
func TestTracknoCheckExitStatus(t *testing.T) {
	t.Parallel()
	badDigit := tnRoyalMail[:10] + "3" + tnRoyalMail[11:] // S10 check digit should be 5
	cases := []struct {
		name  string
		stdin string
		args  []string
		code  int
		lines int
	}{
		{"all valid arguments", "", []string{tnRoyalMail, tnDHL}, exitOK, 2},
		{"all valid lines", tnRoyalMail + "\n" + tnDHL + "\n", nil, exitOK, 2},
		{"invalid argument first", "", []string{badDigit, tnRoyalMail, tnDHL}, exitFail, 3},
		{"invalid argument last", "", []string{tnRoyalMail, tnDHL, badDigit}, exitFail, 3},
		{"invalid line in the middle", tnRoyalMail + "\n" + badDigit + "\n" + tnDHL + "\n", nil, exitFail, 3},
		{"only an invalid line", "1Z#1\n", nil, exitFail, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, out, errOut := runTracknoForTest(t, tc.stdin, tc.args...)
			rs := decodeTracknoResults(t, out)
			if code != tc.code || len(rs) != tc.lines || errOut != "" {
				t.Fatalf("exit %d with %d results, want exit %d with %d; stderr %q\n%s", code, len(rs), tc.code, tc.lines, errOut, out)
			}
			for _, r := range rs {
				if r.Valid == (r.Input == badDigit || r.Input == "1Z#1") {
					t.Errorf("result %+v", r)
				}
			}
		})
	}
}

func TestTracknoCheckEmptyStdin(t *testing.T) {
	t.Parallel()
	code, out, errOut := runTracknoForTest(t, "")
	if code != exitOK || out != "" || errOut != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestTracknoCheckHelp(t *testing.T) {
	t.Parallel()
	code, out, errOut := runTracknoForTest(t, "", "--help")
	if code != exitOK || !strings.Contains(out, "Usage: lastmile trackno check") || !strings.Contains(out, "-json") || errOut != "" ||
		!strings.Contains(out, "1 when at least one is\ninvalid") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestTracknoCheckBadFlag(t *testing.T) {
	t.Parallel()
	code, out, errOut := runTracknoForTest(t, "", "--carrier", "ups", tnDHL)
	if code != exitUsage || out != "" || !strings.Contains(errOut, "flag provided but not defined: -carrier") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestTracknoCheckUnreadableInput(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	in := iotest.ErrReader(errors.New("disk on fire"))
	code := runTracknoCheck(context.Background(), nil, stdio{in: in, out: &out, err: &errOut})
	if code != exitUsage || !strings.Contains(errOut.String(), "disk on fire") {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
}

func TestTracknoCheckLineTooLong(t *testing.T) {
	t.Parallel()
	code, _, errOut := runTracknoForTest(t, strings.Repeat("1", maxTracknoLine+1)+"\n")
	if code != exitUsage || !strings.Contains(errOut, "longer than") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

func TestTracknoCheckCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errOut bytes.Buffer
	code := runTracknoCheck(ctx, nil, stdio{in: strings.NewReader(tnDHL + "\n"), out: &out, err: &errOut})
	if code != exitFail || out.Len() != 0 {
		t.Fatalf("exit %d, stdout %q", code, out.String())
	}
}
