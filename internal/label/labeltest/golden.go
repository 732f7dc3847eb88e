package labeltest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"lastmile/internal/label"
	"lastmile/internal/model"
)

// GoldenCase is a label rendered to a golden file in every format.
type GoldenCase struct {
	Name  string
	Label label.Label
	Opt   label.Options
}

// GoldenCases are the labels of the golden files: the example at both resolutions,
// a GB parcel with the QR, COD and battery mark, DE on A6 at 300 dpi, SG on 10×15 cm.
func GoldenCases() []GoldenCase {
	gb := For(Markets()[1].To)
	gb.COD = &model.Money{Amount: 2599, Currency: "GBP"}
	gb.HasBattery = true
	gb.TrackingNumber, gb.Carrier, gb.Service = "RB123456785GB", "royal-mail", "Tracked 48"
	de := For(Markets()[2].To)
	de.TrackingNumber, de.Carrier, de.Service, de.SortCode = "1234567891", "dhl-express", "Express Worldwide", "BER"
	sg := For(Markets()[9].To)
	sg.HasBattery = true
	sg.PackageIndex, sg.PackageCount, sg.WeightG = 2, 3, 12345
	return []GoldenCase{
		{"us-4x6-203", Example(), label.Options{Size: label.Size4x6, DPI: 203}},
		{"us-4x6-300", Example(), label.Options{Size: label.Size4x6, DPI: 300}},
		{"gb-4x6-203", gb, label.Options{Size: label.Size4x6, DPI: 203}},
		{"de-a6-300", de, label.Options{Size: label.SizeA6, DPI: 300}},
		{"sg-10x15-203", sg, label.Options{Size: label.Size10x15, DPI: 203}},
	}
}

// Page prepares and lays out the case.
func (c GoldenCase) Page(t testing.TB) *label.Page {
	t.Helper()
	p, err := label.Prepare(c.Label, c.Opt)
	if err != nil {
		t.Fatalf("%s: %v", c.Name, err)
	}
	return p.Layout()
}

// Golden compares got with the file at path, or rewrites the file when update is set (go
// test -update). With same, a caller may compare more loosely than byte for byte.
func Golden(t *testing.T, path string, got []byte, update bool, same func(want, got []byte) bool) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if same == nil {
		same = bytes.Equal
	}
	if !same(want, got) {
		line := 1
		for i := 0; i < len(want) && i < len(got) && want[i] == got[i]; i++ {
			if want[i] == '\n' {
				line++
			}
		}
		t.Errorf("%s differs from the output (first difference on line %d); if the change is intended, run go test -update and review the diff", path, line)
	}
}
