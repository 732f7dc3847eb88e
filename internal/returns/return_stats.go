package returns

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/sla"
)

// This file is the return rate and its causes (R-RET-5), pure: per SKU, per carrier or per
// reason, over the returns requested in a period and what shipped in it.

// Group-by dimensions of the statistics.
const (
	GroupBySKU     = "sku"
	GroupByCarrier = "carrier"
	GroupByReason  = "reason"
)

// Stats is the return rate and causes over a period.
type Stats struct {
	Period  StatsPeriod `json:"period"`
	GroupBy string      `json:"group_by"`
	// Returns counts the returns requested in the period (cancelled requests left out).
	Returns int `json:"returns"`
	// Units is how many units they asked back.
	Units  int64        `json:"units"`
	Groups []StatsGroup `json:"groups"`
}

// StatsPeriod is [Start, End), labelled as asked.
type StatsPeriod struct {
	Label string    `json:"label"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// StatsGroup is one SKU's, carrier's or reason's returns.
type StatsGroup struct {
	Key     string `json:"key"`
	Returns int    `json:"returns"`
	Units   int64  `json:"units"`
	// Shipped is the base of the rate: units shipped of the SKU; parcels the carrier carried;
	// for a reason, all units shipped.
	Shipped int64 `json:"shipped"`
	// Rate is units (per SKU and reason) or returns (per carrier) over Shipped; null when
	// nothing shipped in the period.
	Rate *float64 `json:"rate"`
	// Share is the group's part of all the period's returns.
	Share float64 `json:"share"`
	// Reasons count the group's returns by reason: the causes (damaged, not as described…).
	Reasons map[string]int `json:"reasons"`
	// Outcomes count the inspected units by outcome (restock, refurbish, write_off).
	Outcomes map[string]int64 `json:"outcomes"`
}

// ComputeStats works out the statistics of returns grouped by groupBy: shippedUnits are the
// units shipped per SKU in the period, labelled the parcels per carrier.
func ComputeStats(p StatsPeriod, groupBy string, returns []model.Return, shippedUnits, labelled map[string]int64) Stats {
	st := Stats{Period: p, GroupBy: groupBy, Groups: []StatsGroup{}}
	groups := map[string]*StatsGroup{}
	get := func(k string) *StatsGroup {
		g, ok := groups[k]
		if !ok {
			g = &StatsGroup{Key: k, Reasons: map[string]int{}, Outcomes: map[string]int64{}}
			groups[k] = g
		}
		return g
	}
	var totalShipped int64
	for _, n := range shippedUnits {
		totalShipped += n
	}
	for i := range returns {
		r := &returns[i]
		if r.Status == model.ReturnCancelled {
			continue
		}
		st.Returns++
		var units int64
		for _, l := range r.Lines {
			units += l.Quantity
		}
		st.Units += units
		switch groupBy {
		case GroupBySKU:
			seen := map[string]bool{}
			for _, l := range r.Lines {
				g := get(l.SKU)
				g.Units += l.Quantity
				if !seen[l.SKU] {
					seen[l.SKU] = true
					g.Returns++
					g.Reasons[r.Reason]++
				}
			}
			for _, in := range r.Inspections {
				get(in.SKU).Outcomes[string(in.Outcome)] += in.Quantity
			}
		default:
			k := r.Reason
			if groupBy == GroupByCarrier {
				k = cmp.Or(r.OutboundCarrier, "unknown")
			}
			g := get(k)
			g.Returns++
			g.Units += units
			g.Reasons[r.Reason]++
			for _, in := range r.Inspections {
				g.Outcomes[string(in.Outcome)] += in.Quantity
			}
		}
	}
	for _, g := range groups {
		num := g.Units
		switch groupBy {
		case GroupBySKU:
			g.Shipped = shippedUnits[g.Key]
		case GroupByCarrier:
			g.Shipped, num = labelled[g.Key], int64(g.Returns)
		default:
			g.Shipped = totalShipped
		}
		if g.Shipped > 0 {
			rate := float64(num) / float64(g.Shipped)
			g.Rate = &rate
		}
		if st.Returns > 0 {
			g.Share = float64(g.Returns) / float64(st.Returns)
		}
		st.Groups = append(st.Groups, *g)
	}
	slices.SortFunc(st.Groups, func(a, b StatsGroup) int {
		return cmp.Or(cmp.Compare(b.Returns, a.Returns), cmp.Compare(b.Units, a.Units), strings.Compare(a.Key, b.Key))
	})
	return st
}

// ParsePeriod reads the period of the statistics: an ISO week ("2026-W48"), a month
// ("2026-11"), or the days up to now ("30d"), in loc. Empty is 30d.
func ParsePeriod(s string, now time.Time, loc *time.Location) (StatsPeriod, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		s = "30d"
	}
	if y, m, ok := strings.Cut(s, "-"); ok && len(y) == 4 && len(m) == 2 && !strings.HasPrefix(m, "W") {
		yy, err1 := strconv.Atoi(y)
		mm, err2 := strconv.Atoi(m)
		if err1 != nil || err2 != nil || yy < 1 || mm < 1 || mm > 12 {
			return StatsPeriod{}, fmt.Errorf("period %q: want a month such as 2026-11, an ISO week such as 2026-W48, or 7d or 30d", s)
		}
		start := time.Date(yy, time.Month(mm), 1, 0, 0, 0, 0, loc)
		return StatsPeriod{Label: s, Start: start.UTC(), End: start.AddDate(0, 1, 0).UTC()}, nil
	}
	p, err := sla.ParsePeriod(s, now, loc)
	if err != nil {
		return StatsPeriod{}, fmt.Errorf("%w; or a month such as 2026-11", err)
	}
	return StatsPeriod{Label: p.Label, Start: p.Start.UTC(), End: p.End.UTC()}, nil
}
