package tracker

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"lastmile/internal/sla"
	"lastmile/internal/store"
	"lastmile/internal/tracking"
)

// EventView is one event as GET /v1/shipments/{id}/tracking shows it.
type EventView struct {
	Status      tracking.Status `json:"status"`
	Reason      tracking.Reason `json:"reason,omitempty"`
	OccurredAt  time.Time       `json:"occurred_at"`
	RawCode     string          `json:"raw_code"`
	Description string          `json:"description,omitempty"`
	Location    *Location       `json:"location,omitempty"`
	Milestones  []string        `json:"milestones,omitempty"`
}

// EstimateView is a delivery estimate with its basis.
type EstimateView struct {
	Earliest *time.Time `json:"earliest,omitempty"`
	Latest   *time.Time `json:"latest,omitempty"`
	Point    *time.Time `json:"point,omitempty"`
	LowDays  float64    `json:"low_days"`
	HighDays float64    `json:"high_days"`
	Source   string     `json:"source"`
	Basis    string     `json:"basis"`
}

// TrackingView is a shipment's tracking as the API shows it.
type TrackingView struct {
	ShipmentID     string               `json:"shipment_id"`
	OrderID        string               `json:"order_id"`
	Carrier        string               `json:"carrier"`
	TrackingNumber string               `json:"tracking_number"`
	Status         tracking.Status      `json:"status"`
	Reason         tracking.Reason      `json:"reason,omitempty"`
	FirstScanAt    *time.Time           `json:"first_scan_at,omitempty"`
	LastEventAt    *time.Time           `json:"last_event_at,omitempty"`
	DeliveredAt    *time.Time           `json:"delivered_at,omitempty"`
	CrossBorder    bool                 `json:"cross_border"`
	Events         []EventView          `json:"events"`
	Milestones     map[string]time.Time `json:"milestones"`
	Missing        []string             `json:"missing_milestones"`
	Estimated      EstimateView         `json:"estimated_delivery"`
}

func tptr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// Tracking is the shipment's tracking view, with its delivery estimate.
func (s *Service) Tracking(ctx context.Context, shopIDs []string, shipmentID string) (TrackingView, error) {
	st, rows, err := s.st.GetTracking(ctx, shopIDs, shipmentID)
	if err != nil {
		return TrackingView{}, err
	}
	t := Fold(rows)
	v := TrackingView{
		ShipmentID: st.ShipmentID, OrderID: st.OrderID, Carrier: st.Carrier, TrackingNumber: st.TrackingNumber,
		Status: t.Status, Reason: t.Reason, FirstScanAt: tptr(t.FirstScanAt), LastEventAt: tptr(t.LastEventAt),
		DeliveredAt: tptr(t.DeliveredAt), CrossBorder: t.CrossBorder, Events: make([]EventView, 0, len(t.Events)),
		Milestones: map[string]time.Time{}, Missing: []string{},
	}
	for _, e := range t.Events {
		ev := EventView{Status: e.Status, Reason: e.Reason, OccurredAt: e.OccurredAt.UTC(), RawCode: e.RawCode, Description: e.Description}
		if e.Location != (tracking.Location{}) {
			l := locationJSON(e.Location)
			ev.Location = &l
		}
		for _, m := range e.Milestones.List() {
			ev.Milestones = append(ev.Milestones, m.String())
		}
		v.Events = append(v.Events, ev)
	}
	for _, m := range t.Reached.List() {
		v.Milestones[m.String()] = t.Milestones.At(m).UTC()
	}
	for _, m := range t.Missing.List() {
		v.Missing = append(v.Missing, m.String())
	}
	if v.Estimated, err = s.estimate(ctx, shopIDs, st, &t); err != nil {
		return TrackingView{}, err
	}
	return v, nil
}

// estimate is the delivery estimate of a shipment: delivered ones show their delivery;
// otherwise the estimate learnt from lastmile's delivered history on the shipment's lane
// (carrier, service, warehouse → destination region), else on its carrier service, else the
// rate card's transit days, with its basis.
func (s *Service) estimate(ctx context.Context, shopIDs []string, st store.TrackingState, t *tracking.ShipmentTracking) (EstimateView, error) {
	if !t.DeliveredAt.IsZero() {
		d := t.DeliveredAt.UTC()
		return EstimateView{Earliest: &d, Latest: &d, Point: &d, Source: "delivered", Basis: "delivered " + d.Format(time.RFC3339)}, nil
	}
	sh, err := s.st.GetShipment(ctx, shopIDs, st.ShipmentID)
	if err != nil {
		return EstimateView{}, fmt.Errorf("shipment of the estimate: %w", err)
	}
	o, err := s.st.GetOrder(ctx, shopIDs, sh.OrderID)
	if err != nil {
		return EstimateView{}, fmt.Errorf("order of the estimate: %w", err)
	}
	wh := ""
	if p, err := s.st.GetPackage(ctx, shopIDs, sh.PackageID); err == nil {
		wh = p.WarehouseID
	}
	est, err := s.estimator(ctx)
	if err != nil {
		return EstimateView{}, err
	}
	card, known := s.rateCard(sh.Carrier, sh.Service, t.CrossBorder)
	lane := LaneOf(sh.Carrier, sh.Service, wh, o.ShippingAddress.Country, o.ShippingAddress.Region)
	e := est.Estimate(lane, t.FirstScanAt, card)
	if e.Source == tracking.SourceRateCard && !known {
		e.Source, e.Basis = "default", "no rate card transit for "+sh.Carrier+" "+sh.Service+" and thin history: default "+e.Basis[len("rate card: "):]
	}
	return EstimateView{Earliest: tptr(e.Earliest), Latest: tptr(e.Latest), Point: tptr(e.Point), LowDays: e.LowDays,
		HighDays: e.HighDays, Source: string(e.Source), Basis: e.Basis}, nil
}

// DeadlineView is one clock as GET /v1/orders/{id}/deadlines shows it.
type DeadlineView struct {
	Rule      string     `json:"rule"`
	Name      string     `json:"name"`
	Subject   string     `json:"subject"`
	SubjectID string     `json:"subject_id"`
	StartAt   time.Time  `json:"start_at"`
	DueAt     time.Time  `json:"due_at"`
	AtRiskAt  time.Time  `json:"at_risk_at"`
	State     string     `json:"state"`
	Source    string     `json:"source"`
	MetAt     *time.Time `json:"met_at,omitempty"`
}

// Deadlines are the order's clocks at now, computed from its stored state for display (so
// that an order changed since the last sweep shows its current clocks). It only reads: the
// sweep and the ingest paths write the clocks and raise their alerts.
func (s *Service) Deadlines(ctx context.Context, shopIDs []string, orderID string) ([]DeadlineView, error) {
	st, err := s.st.OrderClocks(ctx, shopIDs, orderID)
	if err != nil {
		return nil, err
	}
	figs, err := s.figuresOf(ctx, []string{st.Order.ShopID})
	if err != nil {
		return nil, err
	}
	ds, err := s.clocksAt(st, figs(st.Order.ShopID, st.Order.Market), s.now().UTC())
	if err != nil {
		return nil, err
	}
	slices.SortFunc(ds, func(a, b sla.Deadline) int { // as the store lists them
		if c := a.DueAt.Compare(b.DueAt); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	out := make([]DeadlineView, len(ds))
	for i, d := range ds {
		out[i] = DeadlineView{Rule: string(d.Rule), Name: d.Name, Subject: d.Of, SubjectID: d.ID, StartAt: d.StartAt.UTC(),
			DueAt: d.DueAt.UTC(), AtRiskAt: d.AtRiskAt.UTC(), State: string(d.State), Source: d.Source, MetAt: tptr(d.MetAt)}
	}
	return out, nil
}

// ExceptionView is one exception as the queue shows it.
type ExceptionView struct {
	ID              string     `json:"id"`
	Type            string     `json:"type"`
	ShopID          string     `json:"shop_id"`
	OrderID         string     `json:"order_id"`
	ShipmentID      string     `json:"shipment_id"`
	Carrier         string     `json:"carrier"`
	TrackingNumber  string     `json:"tracking_number"`
	OpenedAt        time.Time  `json:"opened_at"`
	AgeHours        float64    `json:"age_hours"`
	ClosedAt        *time.Time `json:"closed_at,omitempty"`
	RawCode         string     `json:"raw_code,omitempty"`
	Description     string     `json:"description,omitempty"`
	SuggestedAction string     `json:"suggested_action"`
	ResolvedAt      *time.Time `json:"resolved_at,omitempty"`
	Note            string     `json:"note,omitempty"`
}

// exceptionAt shows x; its age counts to its close, resolution or now.
func exceptionAt(x store.TrackingException, now time.Time) ExceptionView {
	v := ExceptionView{ID: x.ID, Type: x.Type, ShopID: x.ShopID, OrderID: x.OrderID, ShipmentID: x.ShipmentID, Carrier: x.Carrier,
		TrackingNumber: x.TrackingNumber, OpenedAt: x.OpenedAt.UTC(), ClosedAt: tptr(x.ClosedAt), RawCode: x.RawCode,
		Description: x.Description, SuggestedAction: x.Action, ResolvedAt: tptr(x.ResolvedAt), Note: x.Note}
	end := now
	for _, t := range []time.Time{x.ClosedAt, x.ResolvedAt} {
		if !t.IsZero() && t.Before(end) {
			end = t
		}
	}
	if end.After(x.OpenedAt) {
		v.AgeHours = float64(end.Sub(x.OpenedAt).Round(time.Minute)) / float64(time.Hour)
	}
	return v
}

// exceptionOf is x as the notify event carries it (age at opening).
func exceptionOf(x store.TrackingException) ExceptionView { return exceptionAt(x, x.OpenedAt) }

// AlertView is a deadline alert as the API shows it.
type AlertView struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	Rule      string    `json:"rule"`
	Name      string    `json:"name"`
	ShopID    string    `json:"shop_id,omitempty"`
	OrderID   string    `json:"order_id,omitempty"`
	Subject   string    `json:"subject"`
	SubjectID string    `json:"subject_id"`
	DueAt     time.Time `json:"due_at"`
	RaisedAt  time.Time `json:"raised_at"`
	Message   string    `json:"message"`
}

// alertOf shows a.
func alertOf(a store.DeadlineAlert) AlertView {
	return AlertView{ID: a.ID, Kind: a.Kind, Rule: a.Rule, Name: a.Name, ShopID: a.ShopID, OrderID: a.OrderID, Subject: a.Subject,
		SubjectID: a.SubjectID, DueAt: a.DueAt.UTC(), RaisedAt: a.RaisedAt.UTC(), Message: a.Message}
}

// Exceptions lists the queue.
func (s *Service) Exceptions(ctx context.Context, q store.ExceptionQuery) ([]ExceptionView, error) {
	xs, err := s.st.ListExceptions(ctx, q)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make([]ExceptionView, len(xs))
	for i, x := range xs {
		out[i] = exceptionAt(x, now)
	}
	return out, nil
}

// MaxNoteLen bounds a resolution note.
const MaxNoteLen = 2000

// Resolve resolves an exception with a note.
func (s *Service) Resolve(ctx context.Context, shopIDs []string, id, note string) (ExceptionView, error) {
	if len(note) > MaxNoteLen {
		return ExceptionView{}, fmt.Errorf("note: at most %d bytes", MaxNoteLen)
	}
	now := s.now().UTC()
	x, err := s.st.ResolveException(ctx, shopIDs, id, note, now)
	if err != nil {
		return ExceptionView{}, err
	}
	return exceptionAt(x, now), nil
}

// Alerts lists deadline alerts, newest first.
func (s *Service) Alerts(ctx context.Context, q store.AlertQuery) ([]AlertView, error) {
	as, err := s.st.ListAlerts(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make([]AlertView, len(as))
	for i, a := range as {
		out[i] = alertOf(a)
	}
	return out, nil
}
