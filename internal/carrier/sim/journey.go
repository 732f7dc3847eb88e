package sim

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"sync"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/config"
	"lastmile/internal/model"
)

// step is one kind of event on a parcel's way; each carrier has its own raw code for each
// (catalogue.go).
type step uint8

// The steps.
const (
	stepCreated step = iota
	stepAccepted
	stepVoided
	stepDeparted
	stepArrived
	stepExportCleared
	stepDestinationArrival
	stepImportCleared
	stepCustomsHold
	stepDelayed
	stepOutForDelivery
	stepDelivered
	stepFailedAttempt
	stepAvailableForPickup
	stepAddressProblem
	stepRefused
	stepReturning
	stepReturned
	stepLost
	stepDamaged
	stepMisdelivered
	numSteps
)

var stepNames = [numSteps]string{
	"created", "accepted", "voided", "departed", "arrived", "export_cleared", "destination_arrival",
	"import_cleared", "customs_hold", "delayed", "out_for_delivery", "delivered", "failed_attempt",
	"available_for_pickup", "address_problem", "refused", "returning", "returned", "lost", "damaged",
	"misdelivered",
}

func (s step) String() string { return stepNames[s] }

// EventCode is one raw tracking code of a simulated carrier: the step of a parcel's way it
// reports (created, accepted, voided, departed, arrived, export_cleared, destination_arrival,
// import_cleared, customs_hold, delayed, out_for_delivery, delivered, failed_attempt,
// available_for_pickup, address_problem, refused, returning, returned, lost, damaged,
// misdelivered), the code and its text.
type EventCode struct {
	Step, Code, Description string
}

// EventCodes lists the raw tracking codes a simulated carrier sends, one per step, in step
// order.
func EventCodes(carrierCode string) ([]EventCode, error) {
	d, ok := lookup(carrierCode)
	if !ok {
		return nil, fmt.Errorf("no simulated carrier %q; the sim has %v", carrierCode, Codes())
	}
	out := make([]EventCode, numSteps)
	for s := range numSteps {
		out[s] = EventCode{Step: s.String(), Code: d.events[s].code, Description: d.events[s].description}
	}
	return out, nil
}

// Journey sets how the simulated parcels fare after hand-over. Each rate is a share, 0 to 1,
// of the parcels handed over. The outcomes from LostRate to StaleRate exclude each other (a
// parcel meets at most one; the rest are delivered without trouble); a delay and a late first
// scan come on top of any. The zero Journey delivers every parcel within its service's transit
// days; DefaultJourney is the realistic one.
type Journey struct {
	// DelayRate: the parcel reports a delay and arrives 1–3 days after its transit days
	// (default 5%).
	DelayRate float64
	// LateFirstScanRate: the first scan comes 4.5–10 h after hand-over, past R-TRK-1's 4 h
	// (default 2%).
	LateFirstScanRate float64
	// LostRate: the scans stop half-way and, 4–7 days later, the carrier declares the parcel
	// lost (default 0.3%).
	LostRate float64
	// RefusedRate: the buyer refuses it at the door; it goes back to the sender (default 0.5%).
	RefusedRate float64
	// MisdeliveredRate: delivered to the wrong address, found out a day or two later, and
	// delivered again (default 0.3%).
	MisdeliveredRate float64
	// DamagedRate: reported damaged on the way, delivered a day late (default 0.3%).
	DamagedRate float64
	// AddressProblemRate: the courier cannot find the address; delivered 1–2 days later
	// (default 0.5%).
	AddressProblemRate float64
	// CustomsHoldRate: held by import customs for 2–4 days; cross-border parcels only
	// (default 1%).
	CustomsHoldRate float64
	// FailedAttemptRate: nobody home; delivered the next day, either on a second attempt or
	// collected from a pickup point (default 2%).
	FailedAttemptRate float64
	// StaleRate: the parcel stops scanning for 4–6 days after leaving the origin facility
	// (longer than R-TRK-5's 72 h), then carries on and is delivered late (default 1%).
	StaleRate float64
}

// DefaultJourney is the sim's documented realistic journey: delay 5%, late first scan 2%,
// lost 0.3%, refused 0.5%, misdelivered 0.3% (so the delivery-exception rate of R-SLA-4 runs
// at 1.1%, just under its 1.3%), damaged 0.3%, address problem 0.5%, customs hold 1% of
// cross-border parcels, failed attempt 2%, stale 1%.
func DefaultJourney() Journey {
	return Journey{
		DelayRate: 0.05, LateFirstScanRate: 0.02, LostRate: 0.003, RefusedRate: 0.005, MisdeliveredRate: 0.003,
		DamagedRate: 0.003, AddressProblemRate: 0.005, CustomsHoldRate: 0.01, FailedAttemptRate: 0.02, StaleRate: 0.01,
	}
}

// outcome is what happens to a parcel after hand-over.
type outcome uint8

const (
	outDelivered outcome = iota
	outLost
	outRefused
	outMisdelivered
	outDamaged
	outAddressProblem
	outCustomsHold
	outFailedAttempt
	outStale
)

// rated is an outcome (or a flag) with its rate.
type rated struct {
	o    outcome
	rate float64
	name string
}

// exclusive are the outcomes with their rates, in draw order.
func (j *Journey) exclusive() [8]rated {
	return [8]rated{
		{outLost, j.LostRate, "lost"}, {outRefused, j.RefusedRate, "refused"},
		{outMisdelivered, j.MisdeliveredRate, "misdelivered"}, {outDamaged, j.DamagedRate, "damaged"},
		{outAddressProblem, j.AddressProblemRate, "address problem"}, {outCustomsHold, j.CustomsHoldRate, "customs hold"},
		{outFailedAttempt, j.FailedAttemptRate, "failed attempt"}, {outStale, j.StaleRate, "stale"},
	}
}

func (j *Journey) validate() error {
	var errs []error
	ex := j.exclusive()
	all := append(ex[:], rated{rate: j.DelayRate, name: "delay"}, rated{rate: j.LateFirstScanRate, name: "late first scan"})
	for _, r := range all {
		if !(r.rate >= 0 && r.rate <= 1) {
			errs = append(errs, fmt.Errorf("journey %s rate %v: want a share from 0 to 1 (0.005 is 0.5%%)", r.name, r.rate))
		}
	}
	sum := 0.0
	for _, r := range ex {
		sum += r.rate
	}
	if sum > 1 {
		errs = append(errs, fmt.Errorf("journey outcome rates add up to %v: a parcel meets at most one, so they must add up to at most 1", sum))
	}
	return errors.Join(errs...)
}

// draw picks the outcome of uniform u. A customs hold befalls only cross-border parcels; a
// domestic parcel that draws one is delivered.
func (j *Journey) draw(u float64, crossBorder bool) outcome {
	for _, r := range j.exclusive() {
		if u < r.rate {
			if r.o == outCustomsHold && !crossBorder {
				return outDelivered
			}
			return r.o
		}
		u -= r.rate
	}
	return outDelivered
}

// planned is one event of a parcel's journey.
type planned struct {
	step  step
	at    time.Time
	where wireLocation
}

// timeline builds a journey in time order: an event never comes before the previous one.
type timeline struct {
	out  []planned
	last time.Time
}

func (t *timeline) add(s step, at time.Time, where wireLocation) time.Time {
	if len(t.out) > 0 && !at.After(t.last) {
		at = t.last.Add(time.Minute)
	}
	at = at.UTC()
	t.out = append(t.out, planned{step: s, at: at, where: where})
	t.last = at
	return at
}

// parcelRand is the random source of one parcel's journey: seeded by the network's seed and
// the tracking number, so a parcel's journey is the same on every poll, on every run with the
// seed, and after a restart from the state file.
func parcelRand(seed uint64, number string) *rand.Rand {
	h := fnv.New64a()
	_, _ = h.Write([]byte(number))
	return rand.New(rand.NewPCG(h.Sum64(), seed^0x5851f42d4c957f2d))
}

// between draws a duration from lo to hi, in whole seconds.
func between(r *rand.Rand, lo, hi time.Duration) time.Duration {
	if hi-lo < time.Second {
		return lo
	}
	return lo + time.Duration(r.Int64N(int64((hi-lo)/time.Second)))*time.Second
}

// Pickup delays of carriers without manifests: their driver collects every label this long
// after purchase.
const (
	pickupAfterMin = 30 * time.Minute
	pickupAfterMax = 3 * time.Hour
)

// handover is when the parcel of rec was handed to the carrier: its manifest, or for a carrier
// without manifests the driver's collection 30 min to 3 h after purchase. ok is false while it
// waits for its manifest.
func handover(p *profile, rec *labelRec, seed uint64) (time.Time, bool) {
	if !rec.ManifestedAt.IsZero() {
		return rec.ManifestedAt, true
	}
	if p.caps.Has(carrier.CanManifest) {
		return time.Time{}, false
	}
	r := parcelRand(seed^0xa0761d6478bd642f, rec.Number)
	return rec.PurchasedAt.Add(between(r, pickupAfterMin, pickupAfterMax)), true
}

// zones are the local time zones of the markets, by country: scans happen in working hours
// there. Built once, read-only.
var zones = sync.OnceValue(func() map[string]*time.Location {
	out := map[string]*time.Location{}
	for code, m := range config.DefaultMarkets() {
		if loc, err := time.LoadLocation(m.TimeZone); err == nil {
			out[string(code)] = loc
		}
	}
	return out
})

func zoneOf(country string) *time.Location {
	if loc := zones()[string(model.NormalizeMarket(country))]; loc != nil {
		return loc
	}
	return time.UTC
}

// plan is the whole journey of rec's parcel, events at any time (past or future), in time
// order. It follows from the label's stored times, the network's seed and the journey options
// alone, so events up to any moment are a prefix of it: polling later only adds events.
func plan(p *profile, rec *labelRec, seed uint64, j *Journey) []planned {
	t := timeline{out: make([]planned, 0, 16)}
	t.add(stepCreated, rec.PurchasedAt, rec.Origin)
	if !rec.VoidedAt.IsZero() {
		t.add(stepVoided, rec.VoidedAt, rec.Origin)
		return t.out
	}
	h, ok := handover(p, rec, seed)
	if !ok {
		return t.out
	}
	r := parcelRand(seed, rec.Number)
	cross := rec.Origin.Country != "" && rec.Dest.Country != "" && rec.Origin.Country != rec.Dest.Country
	out := j.draw(r.Float64(), cross)
	delayed := r.Float64() < j.DelayRate
	lateScan := r.Float64() < j.LateFirstScanRate

	origin, dest := rec.Origin, rec.Dest
	loc := zoneOf(dest.Country)
	scan := h
	if lateScan {
		scan = h.Add(between(r, 4*time.Hour+30*time.Minute, 10*time.Hour)) // R-TRK-1 missed
	}
	scan = t.add(stepAccepted, scan, origin)

	lo, hi, business := transitRange(p, rec)
	transit := lo + r.IntN(hi-lo+1)
	extra := 0
	if delayed {
		extra += 1 + r.IntN(3)
	}
	holdDays, silentDays := 0, 0
	switch out {
	case outCustomsHold:
		holdDays = 2 + r.IntN(3)
		extra += holdDays
	case outStale:
		silentDays = 4 + r.IntN(3)
		extra += silentDays
	case outDamaged:
		extra++
	}
	// Out for delivery on the delivery day, 07:00–09:30 local; at least six hours after the
	// first scan.
	y, m, d := scan.In(loc).Date()
	day := addDays(time.Date(y, m, d, 0, 0, 0, 0, loc), transit, business)
	day = day.AddDate(0, 0, extra)
	ofd := day.Add(7*time.Hour + between(r, 0, 150*time.Minute))
	for ofd.Sub(scan) < 6*time.Hour {
		ofd = ofd.AddDate(0, 0, 1)
	}

	maxGap := 20 * time.Hour // under R-TRK-3's 24 h
	if cross {
		maxGap = 40 * time.Hour // under its 48 h across a border
	}
	next := stepArrived
	fill := func(until time.Time, where wireLocation) {
		for until.Sub(t.last) > maxGap {
			t.add(next, t.last.Add(between(r, maxGap/2, maxGap)), where)
			next = stepArrived + stepDeparted - next // alternate arrived, departed
		}
	}

	t.add(stepDeparted, scan.Add(between(r, time.Hour, 3*time.Hour)), origin)
	if out == outStale {
		// Silent past R-TRK-5's 72 h, then on its way again.
		t.add(stepArrived, t.last.Add(time.Duration(silentDays)*24*time.Hour+between(r, 0, 6*time.Hour)), origin)
	}
	if delayed {
		t.add(stepDelayed, t.last.Add(between(r, 2*time.Hour, 10*time.Hour)), origin)
	}
	if out == outDamaged {
		t.add(stepDamaged, t.last.Add(between(r, 2*time.Hour, 10*time.Hour)), origin)
	}
	if cross {
		t.add(stepExportCleared, t.last.Add(between(r, 4*time.Hour, 12*time.Hour)), origin)
		arrive := t.last.Add(ofd.Sub(t.last) * 2 / 5)
		if out == outCustomsHold {
			arrive = t.last.Add((ofd.Sub(t.last) - time.Duration(holdDays)*24*time.Hour) * 2 / 5)
		}
		fill(arrive, origin)
		t.add(stepDestinationArrival, arrive, wireLocation{City: dest.City, Country: dest.Country})
		if out == outCustomsHold {
			held := t.add(stepCustomsHold, t.last.Add(between(r, time.Hour, 3*time.Hour)), wireLocation{Country: dest.Country})
			t.add(stepImportCleared, held.Add(time.Duration(holdDays)*24*time.Hour), wireLocation{Country: dest.Country})
		} else {
			t.add(stepImportCleared, t.last.Add(between(r, 3*time.Hour, 10*time.Hour)), wireLocation{Country: dest.Country})
		}
	}
	if out == outLost {
		// Scans stop half-way; the carrier gives up 4–7 days later.
		fill(t.last.Add(ofd.Sub(t.last)/2), origin)
		t.add(stepLost, t.last.Add(between(r, 4*24*time.Hour, 7*24*time.Hour)), wireLocation{})
		return t.out
	}
	fill(t.last.Add(ofd.Sub(t.last)/2), origin)
	fill(ofd.Add(-4*time.Hour), dest)
	if ofd.Sub(t.last) > 4*time.Hour {
		t.add(stepArrived, ofd.Add(-between(r, 2*time.Hour, 4*time.Hour)), dest)
	}
	t.add(stepOutForDelivery, ofd, dest)
	attempt := ofd.Add(between(r, 2*time.Hour, 9*time.Hour))
	again := func(days int) time.Time { // out for delivery again, days later
		return ofd.AddDate(0, 0, days).Add(between(r, 0, time.Hour))
	}
	switch out {
	case outRefused:
		t.add(stepRefused, attempt, dest)
		t.add(stepReturning, attempt.Add(between(r, 12*time.Hour, 24*time.Hour)), dest)
		back := t.last.Add(time.Duration(transit)*24*time.Hour + between(r, 0, 12*time.Hour))
		fill(back, dest)
		t.add(stepReturned, back, origin)
	case outAddressProblem:
		t.add(stepAddressProblem, attempt, dest)
		t.add(stepOutForDelivery, again(1+r.IntN(2)), dest)
		t.add(stepDelivered, t.last.Add(between(r, 2*time.Hour, 9*time.Hour)), dest)
	case outFailedAttempt:
		t.add(stepFailedAttempt, attempt, dest)
		if r.IntN(2) == 0 {
			t.add(stepAvailableForPickup, attempt.Add(between(r, time.Hour, 3*time.Hour)), dest)
			t.add(stepDelivered, again(1).Add(3*time.Hour+between(r, 0, 8*time.Hour)), dest)
		} else {
			t.add(stepOutForDelivery, again(1), dest)
			t.add(stepDelivered, t.last.Add(between(r, 2*time.Hour, 9*time.Hour)), dest)
		}
	case outMisdelivered:
		t.add(stepDelivered, attempt, dest)
		t.add(stepMisdelivered, attempt.Add(between(r, 24*time.Hour, 48*time.Hour)), dest)
		t.add(stepDelivered, t.last.Add(between(r, 20*time.Hour, 30*time.Hour)), dest)
	default:
		t.add(stepDelivered, attempt, dest)
	}
	return t.out
}

// transitRange is the transit days of rec's service to its destination: as quoted at
// purchase, else (a label journalled before they were kept) the service's range.
func transitRange(p *profile, rec *labelRec) (lo, hi int, business bool) {
	lo, hi, business = rec.TransitMin, rec.TransitMax, rec.TransitBusiness
	if hi == 0 {
		if i := p.serviceIndex(rec.Service); i >= 0 {
			s := p.services[i]
			lo, hi, business = s.TransitDaysMin, s.TransitDaysMax, s.BusinessDays
		}
	}
	if hi < lo {
		hi = lo
	}
	if hi == 0 {
		lo, hi = 1, 3
	}
	return lo, hi, business
}

// addDays adds n days to day (a local midnight); with business, only Monday to Friday count
// and the result is a working day.
func addDays(day time.Time, n int, business bool) time.Time {
	if !business {
		return day.AddDate(0, 0, n)
	}
	for n > 0 {
		day = day.AddDate(0, 0, 1)
		if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return day
}

// events are a label's raw tracking events as of now, oldest first: its journey's events up to
// now.
func events(p *profile, rec *labelRec, seed uint64, j *Journey, now time.Time) []wireEvent {
	out := []wireEvent{}
	for _, e := range plan(p, rec, seed, j) {
		if e.at.After(now) {
			break
		}
		out = append(out, wireEvent{Code: p.events[e.step].code, Description: p.events[e.step].description, OccurredAt: e.at, Location: e.where})
	}
	return out
}
