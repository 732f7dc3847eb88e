package csvio

import "testing"

func TestHeaderKey(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"External ID": "externalid", "external_id": "externalid", "EXTERNAL-ID": "externalid",
		"sku*": "sku", "\ufeffSKU": "sku", "重量（g）": "重量(g)", "州／省": "州/省", "安全\u3000库存": "安全库存",
		"safety\u00a0stock": "safetystock", "": "",
	} {
		if got := HeaderKey(in); got != want {
			t.Errorf("HeaderKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestColumnLetters(t *testing.T) {
	t.Parallel()
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 31: "AF", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA"} {
		if got := ColumnLetters(i); got != want {
			t.Errorf("ColumnLetters(%d) = %q, want %q", i, got, want)
		}
	}
}
