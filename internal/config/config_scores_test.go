package config

import (
	"strings"
	"testing"
)

func TestScoresSectionAndAtRiskAt(t *testing.T) {
	c, err := Parse("f.yaml", []byte(`
markets:
  US:
    at_risk_at: 0.5
scores:
  lts_min: 80
  exception_rate_max: 0.01
  lts_late_weight: 0.5
  lts_seller_fault_cancel_weight: 0
  lts_exception_weight: 0.05
`))
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultScores()
	want.LTSMin, want.ExceptionRateMax, want.LTSLateWeight, want.LTSSellerFaultCancelWeight, want.LTSExceptionWeight = 80, 0.01, 0.5, 0, 0.05
	if c.Scores != want {
		t.Errorf("scores %+v, want %+v", c.Scores, want)
	}
	if c.Markets["US"].AtRiskAt != 0.5 || c.Markets["GB"].AtRiskAt != 0.75 {
		t.Errorf("at_risk_at US %v GB %v", c.Markets["US"].AtRiskAt, c.Markets["GB"].AtRiskAt)
	}
	// What Marshal writes reads back the same.
	b, err := c.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse("printed.yaml", b)
	if err != nil || back.Scores != c.Scores || back.Markets["US"].AtRiskAt != 0.5 {
		t.Errorf("round trip: %+v %v", back.Scores, err)
	}
	if (Config{}).WithDefaults().Scores != DefaultScores() {
		t.Error("the zero Config's scores are not the defaults")
	}
	for _, bad := range []struct{ file, want string }{
		{"scores:\n  lts_late_weight: 0.3\n", "add up to 0.9"},
		{"scores:\n  exception_rate_max: 1.3\n", "scores.exception_rate_max"},
		{"scores:\n  lts_min: -1\n", "scores.lts_min"},
		{"scores:\n  lts_mni: 70\n", "lts_min"},
		{"scores:\n  lts_min: high\n", "not a number"},
		{"markets:\n  US:\n    at_risk_at: 1\n", "at_risk_at"},
	} {
		_, err := Parse("f.yaml", []byte(bad.file))
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%q: %v, want an error naming %q", bad.file, err, bad.want)
		}
	}
}
