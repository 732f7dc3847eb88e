package csvio

import "testing"

func TestGuardText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+12065550100": "'+12065550100", "-5": "'-5", "@SUM(A1)": "'@SUM(A1)",
		"\tx": "'\tx", "\rx": "'\rx", "'=x": "''=x", "''+x": "'''+x", "+86-SKU": "'+86-SKU",
		"plain": "plain", "'s-Hertogenbosch": "'s-Hertogenbosch", "": "", "'": "'", "a=b": "a=b",
	} {
		if got := GuardText(in); got != want {
			t.Errorf("GuardText(%q) = %q, want %q", in, got, want)
		}
		if back := UnguardText(GuardText(in)); back != in {
			t.Errorf("UnguardText(GuardText(%q)) = %q", in, back)
		}
	}
}

func TestUnguardText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"'=1+1": "=1+1", "''=x": "'=x", "'s-Hertogenbosch": "'s-Hertogenbosch", "'": "'", "'x": "'x",
		"=1+1": "=1+1", "": "",
	} {
		if got := UnguardText(in); got != want {
			t.Errorf("UnguardText(%q) = %q, want %q", in, got, want)
		}
	}
}
