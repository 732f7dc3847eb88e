package web

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"lastmile/internal/i18n"
	"lastmile/internal/model"
	"lastmile/internal/sla"
	"lastmile/internal/store"
	"lastmile/internal/tracker"
	"lastmile/internal/tracking"
)

// trendWeeks is how many ISO weeks the LTS trend shows.
const trendWeeks = 12

// scoreTable is one report (the week's, or its forecast) as the performance page shows it.
type scoreTable struct {
	Rows []scoreRow
}

// scoreRow is one group's scores, each cell formatted and marked when it crosses its threshold.
type scoreRow struct {
	Group  string
	Orders int
	Cells  []scoreCell
}

type scoreCell struct {
	Text string
	Bad  bool
}

// scoreColumns are the columns of the score table: the metric (as the tracker's alerts name
// it), how to read it from a row, and whether it is a rate (shown in percent).
var scoreColumns = []struct {
	metric string
	value  func(r *tracker.ScoreRow) *float64
	rate   bool
}{
	{"late_dispatch_rate", func(r *tracker.ScoreRow) *float64 { return r.LateDispatchRate }, true},
	{"valid_tracking_rate", func(r *tracker.ScoreRow) *float64 { return r.ValidTrackingRate }, true},
	{"on_time_delivery_rate", func(r *tracker.ScoreRow) *float64 { return r.OnTimeDeliveryRate }, true},
	{"delivery_exception_rate", func(r *tracker.ScoreRow) *float64 { return r.DeliveryExceptionRate }, true},
	{"tracking_completeness", func(r *tracker.ScoreRow) *float64 { return r.TrackingCompleteness }, false},
	{"confirmation_timeout_rate", func(r *tracker.ScoreRow) *float64 { return r.ConfirmationTimeoutRate }, true},
	{"lts", func(r *tracker.ScoreRow) *float64 { return r.LTS }, false},
}

// tableOf formats the tracker's rows; a cell is marked bad when the tracker raised an alert for
// its metric (enough cases, beyond the threshold).
func tableOf(rows []tracker.ScoreRow) scoreTable {
	var t scoreTable
	for i := range rows {
		r := &rows[i]
		out := scoreRow{Group: r.Group, Orders: r.Orders}
		for _, c := range scoreColumns {
			cell := scoreCell{Text: "—"}
			if v := c.value(r); v != nil {
				if c.rate {
					cell.Text = formatFloat(100**v, 1) + "%"
				} else {
					cell.Text = formatFloat(*v, 1)
				}
			}
			for _, a := range r.Alerts {
				if a.Metric == c.metric {
					cell.Bad = true
				}
			}
			out.Cells = append(out.Cells, cell)
		}
		t.Rows = append(t.Rows, out)
	}
	return t
}

// performance shows this ISO week's scores per carrier (or lane) and their forecast, the LTS
// trend of the last 12 weeks, and the shipments per day. Every score comes from the tracker
// service (internal/tracker, computed by internal/sla): the page only formats them.
func (h *Handler) performance(w http.ResponseWriter, q *request) {
	ctx, sc := q.r.Context(), q.scope()
	by := sla.GroupCarrier
	if q.r.URL.Query().Get("by") == "lane" {
		by = sla.GroupLane
	}
	data := map[string]any{"By": string(by)}
	days, total, err := h.shipmentsPerDay(ctx, q)
	if err != nil {
		h.fail(w, q, err)
		return
	}
	data["Chart"], data["Total"], data["Days"] = barChart(days), total, days
	if h.d.Tracker != nil {
		now := h.d.Tracker.Now().UTC()
		week := sla.WeekOf(now, time.UTC)
		rep, err := h.d.Tracker.Scores(ctx, sc.ShopIDs, week.Label, by)
		if err != nil {
			h.fail(w, q, err)
			return
		}
		series, weeks, err := h.ltsTrend(ctx, sc.ShopIDs, now, by, rep)
		if err != nil {
			h.fail(w, q, err)
			return
		}
		data["Scores"], data["Forecast"], data["Report"] = tableOf(rep.Rows), tableOf(rep.Forecast), rep
		data["Trend"], data["TrendSeries"], data["Thresholds"] = lineChart(weeks, series, 75), series, thresholdText()
	}
	h.render(w, q, "performance", "web.performance.title", data)
}

// thresholdText is the published thresholds the table is judged against, formatted.
func thresholdText() map[string]string {
	t := sla.DefaultThresholds()
	return map[string]string{
		"late_dispatch_rate": "≤ " + formatFloat(100*t.LateDispatchMax, 1) + "%", "valid_tracking_rate": "≥ " + formatFloat(100*t.ValidTrackingMin, 1) + "%",
		"delivery_exception_rate": "≤ " + formatFloat(100*t.DeliveryExceptionMax, 1) + "%", "tracking_completeness": "≥ " + formatFloat(t.CompletenessMin, 0),
		"confirmation_timeout_rate": "≤ " + formatFloat(100*t.ConfirmationTimeoutMax, 1) + "%", "lts": "≥ " + formatFloat(t.LTSMin, 0),
	}
}

// ltsTrend is each group's LTS over the last trendWeeks ISO weeks, the current one (cur, the
// report the table shows) last. The past weeks' reports come from the tracker and are kept for
// weekCacheTTL: each costs a read of every order due that week, and a past week changes only
// when a late parcel's outcome lands.
func (h *Handler) ltsTrend(ctx context.Context, shopIDs []string, now time.Time, by sla.GroupBy, cur tracker.ScoresReport) ([]series, []string, error) {
	weeks := make([]string, trendWeeks)
	byGroup := map[string]*series{}
	var order []string
	for i := range trendWeeks {
		p := sla.WeekOf(now.AddDate(0, 0, -7*(trendWeeks-1-i)), time.UTC)
		weeks[i] = p.Label
		rep := cur
		if i < trendWeeks-1 {
			var err error
			if rep, err = h.weeks.get(ctx, h.d.Tracker, shopIDs, p.Label, by, now); err != nil {
				return nil, nil, err
			}
		}
		for _, r := range rep.Rows {
			s, ok := byGroup[r.Group]
			if !ok {
				s = &series{Name: r.Group, Values: make([]*float64, trendWeeks)}
				byGroup[r.Group] = s
				order = append(order, r.Group)
			}
			s.Values[i] = r.LTS
		}
	}
	slices.Sort(order)
	out := make([]series, 0, len(order))
	for _, g := range order {
		out = append(out, *byGroup[g])
	}
	return out, weeks, nil
}

// weekCacheTTL is how long a past week's scores are kept for the trend.
const weekCacheTTL = 10 * time.Minute

// weekCacheMax bounds the cache: beyond it, it starts afresh.
const weekCacheMax = 10000

// weekCache keeps the tracker's reports of past weeks for the LTS trend, per shops, grouping
// and week, for weekCacheTTL.
type weekCache struct {
	mu      sync.Mutex
	entries map[string]weekEntry
}

type weekEntry struct {
	rep tracker.ScoresReport
	at  time.Time
}

func (c *weekCache) get(ctx context.Context, t *tracker.Service, shopIDs []string, week string, by sla.GroupBy, now time.Time) (tracker.ScoresReport, error) {
	key := strings.Join(shopIDs, ",") + "|" + string(by) + "|" + week
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < weekCacheTTL && !now.Before(e.at) {
		return e.rep, nil
	}
	rep, err := t.Scores(ctx, shopIDs, week, by)
	if err != nil {
		return rep, err
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= weekCacheMax {
		c.entries = map[string]weekEntry{}
	}
	c.entries[key] = weekEntry{rep: rep, at: now}
	c.mu.Unlock()
	return rep, nil
}

// shipmentsPerDay counts the shop's shipments per day over the last 14 days, in its zone.
func (h *Handler) shipmentsPerDay(ctx context.Context, q *request) ([]dayCount, int, error) {
	ships, err := h.d.Shipping.Shipments(ctx, store.ShipmentQuery{ShopIDs: q.scope().ShopIDs, Limit: store.MaxQueryRows})
	if err != nil {
		return nil, 0, err
	}
	loc := time.UTC
	if l, err := time.LoadLocation(q.shop.TimeZone); err == nil {
		loc = l
	}
	end := h.d.Now().In(loc)
	days := make([]dayCount, 14)
	for i := range days {
		d := end.AddDate(0, 0, i-13)
		days[i].Day = d.Format("01-02")
		days[i].key = d.Format("2006-01-02")
	}
	total := 0
	for _, s := range ships {
		k := s.CreatedAt.In(loc).Format("2006-01-02")
		for i := range days {
			if days[i].key == k {
				days[i].N++
				total++
			}
		}
	}
	return days, total, nil
}

// atRisk is a deadline of an order that is at risk or breached now.
type atRisk struct {
	OrderID, ExternalID string
	tracker.DeadlineView
}

// atRiskPage is how many deadlines at risk (and how many breached) Today shows a page.
const atRiskPage = 20

// deadlinesAtRisk is one page of the shop's deadlines in state (at risk: earliest due first;
// breached and not met: latest due first), read from the store's index of open deadlines, after
// the cursor after ("" for the first page); next is the next page's cursor, "" on the last.
func (h *Handler) deadlinesAtRisk(ctx context.Context, scope model.Scope, state, after string) (list []atRisk, next string, err error) {
	q := store.OpenDeadlineQuery{ShopIDs: scope.ShopIDs, State: state, Limit: atRiskPage + 1}
	if c, ok := decodeCursor(after); ok {
		q.After = &store.DeadlineCursor{DueAt: c.ModifiedAt, Key: c.ID}
	}
	rows, err := h.d.Store.ListOpenDeadlines(ctx, q)
	if err != nil {
		return nil, "", err
	}
	if len(rows) > atRiskPage {
		rows = rows[:atRiskPage]
		last := rows[len(rows)-1]
		next = encodeCursor(store.Cursor{ModifiedAt: last.DueAt, ID: last.Key})
	}
	ext := map[string]string{}
	for _, d := range rows {
		if _, ok := ext[d.OrderID]; !ok {
			o, err := h.d.Orders.Get(ctx, scope, d.OrderID)
			if err != nil {
				return nil, "", err
			}
			ext[d.OrderID] = o.ExternalID
		}
		list = append(list, atRisk{OrderID: d.OrderID, ExternalID: ext[d.OrderID], DeadlineView: tracker.DeadlineView{Rule: d.Rule, Name: d.Name,
			Subject: d.Subject, SubjectID: d.SubjectID, StartAt: d.StartAt, DueAt: d.DueAt, AtRiskAt: d.AtRiskAt, State: d.State, Source: d.Source}})
	}
	return list, next, nil
}

// openExceptions counts the shop's open exceptions (up to the store's page).
func (h *Handler) openExceptions(ctx context.Context, shopIDs []string) (int, error) {
	xs, err := h.d.Tracker.Exceptions(ctx, store.ExceptionQuery{ShopIDs: shopIDs, Open: true, Limit: store.MaxQueryRows})
	return len(xs), err
}

// exceptionTypes are the exception types the filter offers.
var exceptionTypes = []string{string(tracking.ReasonStale), string(tracking.ReasonLate), string(tracking.ReasonLost),
	string(tracking.ReasonDamaged), string(tracking.ReasonRefused), string(tracking.ReasonMisdelivered), string(tracking.ReasonCustomsHold),
	string(tracking.ReasonDelayed), string(tracking.ReasonReturningToSender), string(tracking.ReasonAddressProblem)}

// exceptionsPage is the exceptions queue: open by default (?all=1 for every one), filtered by
// type and carrier, oldest first, each with its age, order and suggested action.
func (h *Handler) exceptionsPage(w http.ResponseWriter, q *request) {
	v := q.r.URL.Query()
	eq := store.ExceptionQuery{ShopIDs: q.scope().ShopIDs, Type: strings.TrimSpace(v.Get("type")), Carrier: strings.TrimSpace(v.Get("carrier")),
		Open: v.Get("all") != "1", Limit: 200}
	xs, err := h.d.Tracker.Exceptions(q.r.Context(), eq)
	if err != nil {
		h.fail(w, q, err)
		return
	}
	types := slices.Clone(exceptionTypes)
	carriers := []string{}
	for _, x := range xs {
		if !slices.Contains(types, x.Type) {
			types = append(types, x.Type)
		}
		if !slices.Contains(carriers, x.Carrier) {
			carriers = append(carriers, x.Carrier)
		}
	}
	if eq.Carrier != "" && !slices.Contains(carriers, eq.Carrier) {
		carriers = append(carriers, eq.Carrier)
	}
	slices.Sort(carriers)
	h.render(w, q, "exceptions", "web.exceptions.title", map[string]any{"Exceptions": xs, "Type": eq.Type, "Carrier": eq.Carrier,
		"All": !eq.Open, "Types": types, "Carriers": carriers})
}

// resolveException resolves an exception with the form's note, then shows the queue again.
func (h *Handler) resolveException(w http.ResponseWriter, q *request) {
	note := strings.TrimSpace(q.r.FormValue("note"))
	if note == "" {
		h.fail(w, q, &model.ValidationError{Problems: []model.FieldError{{Code: "missing_field", Field: "note",
			Message: "write a note saying what was done (a claim filed, the buyer contacted…)"}}})
		return
	}
	if len(note) > tracker.MaxNoteLen {
		h.fail(w, q, &model.ValidationError{Problems: []model.FieldError{{Code: "too_long", Field: "note",
			Message: "the note is too long: keep it under 2000 bytes"}}})
		return
	}
	if _, err := h.d.Tracker.Resolve(q.r.Context(), q.scope().ShopIDs, q.r.PathValue("id"), note); err != nil {
		h.fail(w, q, err)
		return
	}
	redirect(w, q.r, "/exceptions", i18n.T(q.lang, "web.exceptions.resolved", nil))
}

// shipmentTracking is a shipment's tracking for the order page.
type shipmentTracking struct {
	Shipment model.Shipment
	Tracking tracker.TrackingView
}

// orderClocks are the order's deadlines and its shipments' tracking events, from the tracker
// (nothing without one).
func (h *Handler) orderClocks(ctx context.Context, shopIDs []string, orderID string, ships []model.Shipment) ([]tracker.DeadlineView, []shipmentTracking, error) {
	if h.d.Tracker == nil {
		return nil, nil, nil
	}
	ds, err := h.d.Tracker.Deadlines(ctx, shopIDs, orderID)
	if err != nil {
		return nil, nil, err
	}
	var ts []shipmentTracking
	for _, s := range ships {
		if s.TrackingNumber == "" {
			continue
		}
		v, err := h.d.Tracker.Tracking(ctx, shopIDs, s.ID)
		if err != nil {
			return nil, nil, err
		}
		ts = append(ts, shipmentTracking{Shipment: s, Tracking: v})
	}
	return ds, ts, nil
}
