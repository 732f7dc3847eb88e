package trackno

import (
	"errors"
	"testing"
)

// TestNormalizeMessyInput covers R-SHIP-4: numbers pasted from chats, spreadsheets and CJK input
// methods with spaces, full-width characters, Chinese brackets and quotes are repaired.
func TestNormalizeMessyInput(t *testing.T) {
	t.Parallel()
	const want = "1ZA1B2C30312345673"
	if want != upsNumber("A1B2C3"+"03"+"1234567") {
		t.Fatal("the test number's check digit is wrong")
	}
	cases := []struct{ name, input, want string }{
		{"already clean", want, want},
		{"lower case", "1za1b2c30312345673", want},
		{"spaces as separators", "1Z A1B 2C3 03 1234 5673", want},
		{"leading and trailing white space", " \t1ZA1B2C30312345673\r\n", want},
		{"full-width digits and letters", "１Ｚａ１Ｂ２Ｃ３０３１２３４５６７３", want},
		{"ideographic space U+3000", "1ZA1B2C3\u300003\u300012345673", want},
		{"no-break space", "1ZA1B2C3\u00a00312345673", want},
		{"zero-width space", "1ZA1B2C3\u200b0312345673", want},
		{"zero-width joiners and word joiner", "\u200c1ZA1B2C3\u200d03\u206012345673", want},
		{"byte order mark", "\ufeff1ZA1B2C30312345673", want},
		{"direction mark from a chat app", "\u200e1ZA1B2C30312345673\u200f", want},
		{"lenticular brackets 【】", "【1ZA1B2C30312345673】", want},
		{"full-width parentheses （）", "（1ZA1B2C30312345673）", want},
		{"ASCII parentheses", "(1ZA1B2C30312345673)", want},
		{"square brackets", "[1ZA1B2C30312345673]", want},
		{"corner brackets 「」", "「1ZA1B2C30312345673」", want},
		{"double angle brackets 《》", "《1ZA1B2C30312345673》", want},
		{"angle brackets 〈〉", "〈1ZA1B2C30312345673〉", want},
		{"ASCII double quotes", `"1ZA1B2C30312345673"`, want},
		{"ASCII single quotes", "'1ZA1B2C30312345673'", want},
		{"curly double quotes", "“1ZA1B2C30312345673”", want},
		{"curly single quotes", "‘1ZA1B2C30312345673’", want},
		{"full-width quote", "＂1ZA1B2C30312345673＂", want},
		{"Excel leading apostrophe", "'1ZA1B2C30312345673", want},
		{"nested brackets and spaces", " 【 “1ZA1B2C30312345673” 】 ", want},
		{"hyphens", "1Z-A1B2C3-03-1234-5673", want},
		{"en and em dashes", "1Z–A1B2C3—0312345673", want},
		{"full-width hyphen", "1Z－A1B2C3－0312345673", want},
		{"minus sign", "1Z\u2212A1B2C30312345673", want},
		{"dots", "1Z.A1B2C3.03.1234.5673", want},
		{"full-width and ideographic dots", "1Z．A1B2C3。0312345673", want},
		{"middle dot", "1Z·A1B2C3・0312345673", want},
		{"everything at once", "【 1ｚ-ａ1b2c3　03.1234\u200b5673 】", want},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Normalize(tc.input)
			if err != nil || got != tc.want {
				t.Fatalf("Normalize(%q) = %q, %v; want %q", tc.input, got, err, tc.want)
			}
			again, err := Normalize(got)
			if err != nil || again != got {
				t.Fatalf("not idempotent: %q → %q, %v", got, again, err)
			}
			if r := Check(tc.input); !r.Valid || r.Carrier != UPS {
				t.Errorf("Check(%q) = %+v", tc.input, r)
			}
		})
	}
}

// TestNormalizeRefusesIllegalCharacters covers the other half of R-SHIP-4: what cannot be
// repaired without guessing is refused, naming the character and its position in the input
// (1-based, counted in characters).
func TestNormalizeRefusesIllegalCharacters(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, input string
		char        rune
		pos         int
		message     string
	}{
		{"hash", "1ZA1#B2C3", '#', 5, "illegal character '#' at position 5"},
		{"slash", "1ZA1B2/C3", '/', 7, "illegal character '/' at position 7"},
		{"Chinese characters", "运单号1ZA1B2C3", '运', 1, "illegal character '运' at position 1"},
		{"Chinese label with full-width colon", "1ZA1B2C3：", '：', 9, "illegal character '：' at position 9"},
		{"full-width hash reported as typed", "1Z＃A1", '＃', 3, "illegal character '＃' at position 3"},
		{"position counts characters not bytes", "【运】1Z", '运', 2, "illegal character '运' at position 2"},
		{"bracket inside the number", "1ZA1(B2)C3", '(', 5, "illegal character '(' at position 5"},
		{"quote inside the number", "1ZA1“B2C3", '“', 5, "illegal character '“' at position 5"},
		{"underscore", "1ZA1_B2", '_', 5, "illegal character '_' at position 5"},
		{"comma", "1ZA1B2,C3", ',', 7, "illegal character ',' at position 7"},
		{"control character", "1ZA1\x00B2", 0, 5, `illegal character '\x00' at position 5`},
		{"emoji", "1ZA1B2📦", '📦', 7, "illegal character '📦' at position 7"},
		{"invalid UTF-8", "1ZA\xff1B2", '\uFFFD', 4, "illegal character: invalid UTF-8 byte 0xFF at position 4"},
		{"accented letter is not guessed", "1ZÀ1B2", 'À', 3, "illegal character 'À' at position 3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Normalize(tc.input)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Normalize(%q) = %q, %v; want an *Error", tc.input, got, err)
			}
			if e.Reason != ReasonIllegalCharacter || e.Char != tc.char || e.Pos != tc.pos || e.Message != tc.message || err.Error() != tc.message {
				t.Fatalf("Normalize(%q) error %+v, want %q", tc.input, e, tc.message)
			}
			r := Check(tc.input)
			if r.Valid || r.Reason != ReasonIllegalCharacter || r.Message != tc.message || r.Normalized != "" {
				t.Errorf("Check(%q) = %+v", tc.input, r)
			}
		})
	}
}

func TestNormalizeEmpty(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", " ", "\u3000\u200b", "【】", "“ ”", "--", "..", "\ufeff"} {
		_, err := Normalize(in)
		var e *Error
		if !errors.As(err, &e) || e.Reason != ReasonEmpty {
			t.Errorf("Normalize(%q) error %v, want reason empty", in, err)
		}
	}
}

// TestNormalizeCleanInputDoesNotAllocate: the common case costs nothing.
func TestNormalizeCleanInputDoesNotAllocate(t *testing.T) {
	in := "1ZA1B2C30312345673"
	if n := testing.AllocsPerRun(100, func() { _, _ = Normalize(in) }); n != 0 {
		t.Errorf("Normalize of clean input allocates %v times", n)
	}
}
