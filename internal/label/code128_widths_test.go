package label

import "testing"

// TestCode128: the exported encoder gives the widths of the symbol the labels draw, which scan
// back; text outside printable ASCII is refused.
func TestCode128(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"man_01JD3Q3K8Z7W2M5N6P4R9S0T1V", "SCAN-9475711899561", "1Z999AA10123456784"} {
		w, err := Code128(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := decode128(t, barsImage(w, 2, 20)); got != s {
			t.Errorf("encoded %q, scanned %q", s, got)
		}
	}
	if _, err := Code128("交接单"); err == nil {
		t.Error("non-ASCII text encoded")
	}
	if _, err := Code128(""); err == nil {
		t.Error("empty text encoded")
	}
}
