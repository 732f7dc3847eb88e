package app

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"lastmile/internal/carrier"
	"lastmile/internal/carrier/sim"
	"lastmile/internal/tracker"
	"lastmile/internal/tracking"
	"lastmile/internal/worker"
)

// trackingSweepEvery is how often the leader sweeps the clocks' due-time index.
const trackingSweepEvery = time.Minute

// startTracking builds the tracking service (issue 12): every carrier account is polled,
// unless its configuration gives a webhook_secret, when the carrier pushes its events to
// POST /webhooks/carriers/{name} instead; the poll jobs and the sweep run on the job engine,
// and the service's counters are served at /metrics.
func (a *App) startTracking(reg *prometheus.Registry) error {
	codes, err := tracking.DefaultCodes()
	if err != nil {
		return err
	}
	a.Tracker = tracker.New(a.Store, codes, a.Config.Markets, a.now, a.log).WithFigures(a.Settings)
	webhooks := map[string]bool{}
	for _, c := range a.Config.Carriers {
		if secret := c.Config["webhook_secret"]; secret != "" && c.Type == "sim" {
			code := c.Config["carrier"] // the simulated carrier's code, as its shipments name it
			a.Tracker.SetWebhook(code, simWebhook{secret: secret})
			webhooks[code] = true
		}
	}
	a.Tracker.SetTransit(carrierTransit(a.Carriers.Carriers()))
	a.Tracker.SetScoreConfig(tracker.ScoreConfigOf(a.Config.WithDefaults().Scores))
	for _, c := range a.Carriers.Carriers() {
		if !webhooks[c.Code()] {
			a.Tracker.SetPoller(c.Code(), tracker.Poller{Track: c.Track})
		}
	}
	if err := a.Jobs.Handle(tracker.KindPoll, func(ctx context.Context, j worker.Job) error {
		next, err := a.Tracker.Poll(ctx, j.Args)
		switch {
		case errors.Is(err, tracker.ErrPollDone):
			return nil
		case err != nil:
			return err
		}
		return worker.Snooze(next)
	}); err != nil {
		return err
	}
	if err := a.Jobs.Every(tracker.KindSweep, trackingSweepEvery, func(ctx context.Context) error {
		res, err := a.Tracker.Sweep(ctx)
		if res.Changed+res.Due > 0 {
			a.log.Debug("tracking sweep", "changed", res.Changed, "due", res.Due)
		}
		return err
	}); err != nil {
		return err
	}
	return registerTrackingMetrics(reg, a.Tracker, a.Store.CountDue, a.now)
}

// registerTrackingMetrics serves the tracking counters: events ingested, deadlines due, at-risk
// and breach alerts raised, exceptions opened.
func registerTrackingMetrics(reg *prometheus.Registry, t *tracker.Service, countDue func(context.Context, time.Time) (int64, error), now func() time.Time) error {
	m := &t.Metrics
	counters := []prometheus.Collector{
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "lastmile_tracking_events_ingested_total",
			Help: "Tracking events stored (new ones; duplicates not counted)."}, func() float64 { return float64(m.EventsIngested.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "lastmile_tracking_events_duplicate_total",
			Help: "Tracking events that were already stored (replays, webhook and poll both)."}, func() float64 { return float64(m.EventsDuplicate.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "lastmile_tracking_webhook_replays_total",
			Help: "Carrier webhook deliveries refused as replays of one already taken."}, func() float64 { return float64(m.WebhookReplays.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "lastmile_deadline_at_risk_total",
			Help: "At-risk alerts raised (once per clock)."}, func() float64 { return float64(m.AtRiskRaised.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "lastmile_deadline_breaches_total",
			Help: "Breach alerts raised (once per clock)."}, func() float64 { return float64(m.BreachesRaised.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "lastmile_tracking_exceptions_opened_total",
			Help: "Logistics exceptions opened (carrier exceptions, stale R-TRK-5, late R-SLA-2)."}, func() float64 { return float64(m.ExceptionsOpened.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "lastmile_deadlines_due",
			Help: "Deadlines whose next check is due now (the sweep's backlog)."}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			n, err := countDue(ctx, now())
			if err != nil {
				return -1
			}
			return float64(n)
		}),
	}
	for _, c := range counters {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}

// simWebhook is the webhook of a simulated carrier account (sim.VerifyWebhook, ParseWebhook).
type simWebhook struct{ secret string }

func (w simWebhook) Verify(header func(string) string, body []byte, now time.Time) error {
	return sim.VerifyWebhook(w.secret, header(sim.SignatureHeader), body, now, 0)
}

func (w simWebhook) Parse(body []byte) ([]carrier.Tracking, error) {
	b, err := sim.ParseWebhook(body)
	return b.Tracking, err
}

// carrierTransit is the delivery estimate's fallback: each carrier service's transit days as
// its rate card gives them.
func carrierTransit(cs []carrier.Carrier) tracker.TransitFunc {
	cards := map[[2]string]tracking.RateCardTransit{}
	for _, c := range cs {
		for _, sv := range c.Services() {
			cards[[2]string{c.Code(), sv.Code}] = tracking.RateCardTransit{MinDays: sv.TransitDaysMin, MaxDays: sv.TransitDaysMax, BusinessDays: sv.BusinessDays}
		}
	}
	return func(carrier, service string) (tracking.RateCardTransit, bool) {
		c, ok := cards[[2]string{carrier, service}]
		return c, ok
	}
}
