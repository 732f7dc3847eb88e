package tracker

import (
	"testing"
	"time"

	"lastmile/internal/store"
)

// A refresh that decides the stored deadlines again leaves them alone; any field that moved,
// a row more or a row less replaces them.
func TestSameDeadlines(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	row := func(key string) store.DeadlineRow {
		return store.DeadlineRow{Key: key, Rule: "R-SHIP-1", Name: "ship", Subject: "order", SubjectID: "ord_1", StartAt: t0,
			DueAt: t0.Add(24 * time.Hour), AtRiskAt: t0.Add(20 * time.Hour), Source: "default", State: "pending", NextCheckAt: t0.Add(20 * time.Hour)}
	}
	stored := []store.DeadlineRow{row("a"), row("b")}
	decided := []store.DeadlineRow{row("b"), row("a")}
	decided[0].DueAt = decided[0].DueAt.Add(300 * time.Nanosecond) // below what the store keeps
	if !sameDeadlines(stored, decided) {
		t.Error("the same deadlines (other order, sub-microsecond difference) count as changed")
	}
	changes := map[string]func(*store.DeadlineRow){
		"state":      func(d *store.DeadlineRow) { d.State = "at_risk" },
		"due":        func(d *store.DeadlineRow) { d.DueAt = d.DueAt.Add(time.Minute) },
		"next check": func(d *store.DeadlineRow) { d.NextCheckAt = time.Time{} },
		"met":        func(d *store.DeadlineRow) { d.MetAt = t0 },
		"source":     func(d *store.DeadlineRow) { d.Source = "platform" },
		"key":        func(d *store.DeadlineRow) { d.Key = "c" },
	}
	for name, change := range changes {
		d := []store.DeadlineRow{row("a"), row("b")}
		change(&d[1])
		if sameDeadlines(stored, d) {
			t.Errorf("a changed %s counts as the same", name)
		}
	}
	if sameDeadlines(stored, stored[:1]) || sameDeadlines(stored[:1], stored) {
		t.Error("a row more or less counts as the same")
	}
}
