package main

import (
	"bytes"
	"context"
	"image/png"
	"strings"
	"testing"

	"lastmile/internal/label/labeltest"
)

// runLabelForTest runs "lastmile label render" with stdin and returns the exit code, stdout
// and stderr.
func runLabelForTest(t *testing.T, stdin string, args ...string) (int, []byte, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := runLabelRender(context.Background(), args, stdio{in: strings.NewReader(stdin), out: &out, err: &errOut})
	return code, out.Bytes(), errOut.String()
}

func TestLabelRenderFormats(t *testing.T) {
	t.Parallel()
	ex := labeltest.ExampleJSON
	for _, c := range []struct {
		args  []string
		in    string
		magic string
	}{
		{nil, ex, "%PDF-"},
		{[]string{"--format", "pdf", "--dpi", "300"}, ex, "%PDF-"},
		{[]string{"--format", "zpl"}, ex, "^XA\n^CI28\n^PW812\n^LL1218\n"},
		{[]string{"--format", "zpl", "--dpi", "300", "--size", "a6"}, ex, "^XA\n^CI28\n^PW1240\n^LL1748\n"},
		{[]string{"--format=zpl", "--size=10x15"}, ex, "^XA\n^CI28\n^PW799\n^LL1198\n"},
		{[]string{"--format", "png"}, ex, "\x89PNG"},
	} {
		code, out, errOut := runLabelForTest(t, c.in, c.args...)
		if code != exitOK || errOut != "" || !bytes.HasPrefix(out, []byte(c.magic)) {
			t.Errorf("%v: exit %d, stderr %q, output starts %q", c.args, code, errOut, out[:min(len(out), 20)])
			continue
		}
		// R-LBL-6: the same input gives the same bytes.
		if _, again, _ := runLabelForTest(t, c.in, c.args...); !bytes.Equal(out, again) {
			t.Errorf("%v: two runs differ", c.args)
		}
	}
	_, out, _ := runLabelForTest(t, ex, "--format", "png", "--dpi", "300")
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil || img.Bounds().Dx() != 1200 || img.Bounds().Dy() != 1800 {
		t.Errorf("PNG at 300 dpi: %v %v, want 1200×1800", img.Bounds(), err)
	}
}

// TestLabelRenderBatch: an array is one ZPL stream or one multi-page PDF.
func TestLabelRenderBatch(t *testing.T) {
	t.Parallel()
	in := "[" + strings.Repeat(labeltest.ExampleJSON+",", 2) + labeltest.ExampleJSON + "]"
	code, out, errOut := runLabelForTest(t, in, "--format", "zpl")
	if code != exitOK || strings.Count(string(out), "^XA") != 3 {
		t.Errorf("zpl: exit %d, %d formats, %s", code, strings.Count(string(out), "^XA"), errOut)
	}
	code, out, _ = runLabelForTest(t, in)
	if code != exitOK || bytes.Count(out, []byte("/Type /Page\n")) != 3 {
		t.Errorf("pdf: exit %d, %d pages", code, bytes.Count(out, []byte("/Type /Page\n")))
	}
	code, out, errOut = runLabelForTest(t, in, "--format", "png")
	if code != exitUsage || len(out) != 0 || !strings.Contains(errOut, "PNG holds one label") {
		t.Errorf("png batch: exit %d, stderr %q", code, errOut)
	}
}

// TestLabelRenderRefuses: a label that cannot be rendered is named by index and field, exit
// 1, and nothing is written.
func TestLabelRenderRefuses(t *testing.T) {
	t.Parallel()
	bad := strings.Replace(labeltest.ExampleJSON, `"city":"Mountain View"`, `"city":"山景城"`, 1)
	noQR := strings.Replace(labeltest.ExampleJSON, `"postal_code":"94043","country":"US"`, `"postal_code":"SW1A 2AA","country":"GB"`, 1)
	noQR = strings.Replace(noQR, `"city":"Mountain View","region":"CA"`, `"city":"London","region":""`, 1)
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"[" + labeltest.ExampleJSON + "," + bad + "]", []string{"label[1]: to.city:", "non_latin_script"}},
		{bad, []string{"label: to.city:"}},
		{noQR, []string{"label: anti_counterfeit_qr:", "R-LBL-5"}},
		{strings.Replace(labeltest.ExampleJSON, "6784", "6785", 1), []string{"tracking_number:", "check_digit_mismatch"}},
	} {
		code, out, errOut := runLabelForTest(t, c.in, "--format", "zpl")
		if code != exitFail || len(out) != 0 {
			t.Errorf("exit %d with %d bytes out, want 1 and nothing", code, len(out))
		}
		for _, w := range c.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("stderr %q does not say %q", errOut, w)
			}
		}
	}
}

func TestLabelRenderUsage(t *testing.T) {
	t.Parallel()
	ex := labeltest.ExampleJSON
	for _, c := range []struct {
		in   string
		args []string
		want string
	}{
		{ex, []string{"--dpi", "150"}, "dpi"},
		{ex, []string{"--format", "svg"}, "format"},
		{ex, []string{"--size", "a4"}, "size"},
		{ex, []string{"--colour"}, "colour"},
		{ex, []string{"extra"}, "unexpected argument"},
		{"", nil, "empty"},
		{"{not json", nil, "not valid JSON"},
		{`{"weight_g":"heavy"}`, nil, "weight_g"},
		{"[" + ex + `,{"trackingnumber":"1"}]`, nil, "label[1]: trackingnumber: unknown field"},
	} {
		code, out, errOut := runLabelForTest(t, c.in, c.args...)
		if code != exitUsage || len(out) != 0 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v %.30q: exit %d, stderr %q, want 2 and %q", c.args, c.in, code, errOut, c.want)
		}
	}
	if code, _, errOut := runLabelForTest(t, "", "--help"); code != exitOK || !strings.Contains(errOut, "R-LBL-6") {
		t.Errorf("--help: exit %d, %q", code, errOut)
	}
}
