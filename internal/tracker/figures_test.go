package tracker_test

import (
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/sla"
	"lastmile/internal/tracker"
)

// TestFiguresLateGraceZeroIsNotUnset: late_grace may be 0s (docs/configuration.md, R-SLA-2):
// written in the file or as a shop override it is taken as zero, not as "unset" falling back
// to 24 h; a market that does not give it keeps the 24 h default.
func TestFiguresLateGraceZeroIsNotUnset(t *testing.T) {
	for _, c := range []struct {
		name, yaml string
		want       time.Duration
	}{
		{"unset", "markets:\n  US:\n    ship_within: 48h\n", sla.DefaultLateGrace},
		{"zero", "markets:\n  US:\n    late_grace: 0s\n", 0},
		{"set", "markets:\n  US:\n    late_grace: 6h\n", 6 * time.Hour},
		{"new market unset", "markets:\n  NZ:\n    currency: NZD\n    time_zone: Pacific/Auckland\n", sla.DefaultLateGrace},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := config.Parse("lastmile.yaml", []byte(c.yaml))
			if err != nil {
				t.Fatal(err)
			}
			m := cfg.Markets["US"]
			if c.name == "new market unset" {
				m = cfg.Markets["NZ"]
			}
			if got := tracker.Figures(m).LateGrace; got != c.want {
				t.Errorf("late grace %s, want %s", got, c.want)
			}
		})
	}
	t.Run("shop override zero", func(t *testing.T) {
		m, err := config.Effective(config.DefaultMarkets()["GB"], config.Overrides{"late_grace": "0s"})
		if err != nil {
			t.Fatal(err)
		}
		if got := tracker.Figures(m).LateGrace; got != 0 {
			t.Errorf("late grace %s with a shop's late_grace 0s, want 0", got)
		}
	})
}
