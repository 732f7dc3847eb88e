package api

import (
	"strings"
	"testing"

	"lastmile/internal/trackno"
)

func TestCheckTrackingNumbers(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		// 1Z999AA10123456784 is UPS's own published example; pasted with a full-width space,
		// Chinese brackets and lower case it must come back clean (R-SHIP-4).
		r := e.do("POST", "/v1/tracking-numbers:check", key, `{"numbers":["【1z999aa1 0123456784】　","1Z999AA10123456785","ABC#123",""]}`)
		if r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		var b struct{ Results []trackno.Result }
		r.decode(t, &b)
		if len(b.Results) != 4 {
			t.Fatalf("%d results for 4 numbers", len(b.Results))
		}
		if got := b.Results[0]; !got.Valid || got.Normalized != "1Z999AA10123456784" || got.Carrier != trackno.UPS || got.Confidence != trackno.ConfidenceChecksum {
			t.Errorf("messy UPS number: %+v", got)
		}
		if got := b.Results[1]; got.Valid || got.Reason != trackno.ReasonCheckDigitMismatch {
			t.Errorf("UPS number with a wrong check digit: %+v", got)
		}
		if got := b.Results[2]; got.Valid || got.Reason != trackno.ReasonIllegalCharacter || !strings.Contains(got.Message, "#") {
			t.Errorf("illegal character: %+v", got)
		}
		if got := b.Results[3]; got.Valid || got.Reason != trackno.ReasonEmpty {
			t.Errorf("empty: %+v", got)
		}
		if r := e.do("POST", "/v1/tracking-numbers:check", "", `{"numbers":["x"]}`); r.status != 401 {
			t.Errorf("without a key: %d", r.status)
		}
		if r := e.do("POST", "/v1/tracking-numbers:check", key, `{}`); r.status != 422 {
			t.Errorf("without numbers: %d %s", r.status, r.body)
		}
		many := `{"numbers":[` + strings.Repeat(`"1",`, maxTrackingNumbers) + `"1"]}`
		if r := e.do("POST", "/v1/tracking-numbers:check", key, many); r.status != 422 {
			t.Errorf("too many numbers: %d", r.status)
		}
	})
}
