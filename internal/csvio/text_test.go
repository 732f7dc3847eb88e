package csvio

import "testing"

func TestCleanText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		"": true, "abc": true, "蓝牙耳机": true, "a\ufffdb": false, "a\xffb": false, "\xe8\x93": false,
	} {
		if got := CleanText(in); got != want {
			t.Errorf("CleanText(%q) = %v", in, got)
		}
	}
	if got := ValidText("a\xffb"); got != "a\ufffdb" {
		t.Errorf("ValidText = %q", got)
	}
	if got := ValidText("蓝牙"); got != "蓝牙" {
		t.Errorf("ValidText = %q", got)
	}
}

func TestExcelScientific(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		"5.76461E+17": true, "5.76461e+17": true, "6E+11": true, "1.2E+10": false, "5.76461E17": false,
		"SKU-1E+17": false, "+12065550100": false, "12E+17": false, "5.7x6E+17": false, "": false,
	} {
		if got := ExcelScientific(in); got != want {
			t.Errorf("ExcelScientific(%q) = %v", in, got)
		}
	}
}
