package inventory

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/model"
)

// Policy holds the allocation figures that are policy, not physics. Zero fields take the
// documented defaults (WithDefaults); platforms and operators change them, so they are never
// constants in the decision.
type Policy struct {
	// DefaultCutOff is the daily hand-over cut-off, "HH:MM" local, of a warehouse that has none.
	// Default DefaultCutOff. The Service sets it from the order's market (config cut_off), the
	// figure rating quotes with, so a quote and an allocation pick the same hand-over day.
	DefaultCutOff string
	// DefaultWorkingDays are the hand-over days ("mon" … "sun") of a warehouse that lists none.
	// Default Monday to Friday; the Service sets them from the market (config working_days).
	DefaultWorkingDays []string
	// LocalOnlyMarkets are the markets whose orders ship only from a warehouse physically in the
	// market (R-MODE-5: cross-border direct shipping is closed there, and a "virtual overseas
	// warehouse" is forbidden). Nil: DefaultLocalOnlyMarkets. An empty, non-nil slice: none.
	LocalOnlyMarkets []model.Market
}

// DefaultCutOff is the default hand-over cut-off: the configuration's (config.DefaultCutOff,
// noon), which rating uses too.
const DefaultCutOff = config.DefaultCutOff

// DefaultLocalOnlyMarkets are the markets of R-MODE-5 by default (config ship_from_local_only):
// US orders ship from a warehouse in the US.
var DefaultLocalOnlyMarkets = config.Config{}.WithDefaults().LocalOnlyMarkets()

var defaultWorkingDays = config.DefaultWorkingDays.Names()

// WithDefaults returns p with every unset field set to its default.
func (p Policy) WithDefaults() Policy {
	if p.DefaultCutOff == "" {
		p.DefaultCutOff = DefaultCutOff
	}
	if len(p.DefaultWorkingDays) == 0 {
		p.DefaultWorkingDays = slices.Clone(defaultWorkingDays)
	}
	if p.LocalOnlyMarkets == nil {
		p.LocalOnlyMarkets = slices.Clone(DefaultLocalOnlyMarkets)
	}
	return p
}

// Validate reports whether p's figures can be read.
func (p Policy) Validate() error {
	_, err := p.compile()
	return err
}

// compiledPolicy is a Policy with defaults applied and its strings parsed.
type compiledPolicy struct {
	cutOff    int
	workdays  [7]bool
	localOnly []model.Market
}

// defaultPolicy is the zero Policy compiled once: most decisions use it.
var defaultPolicy = func() compiledPolicy {
	cp, err := Policy{}.parse()
	if err != nil {
		panic(err) // the defaults are constants of this file
	}
	return cp
}()

// compile applies the defaults and parses p.
func (p Policy) compile() (compiledPolicy, error) {
	if p.DefaultCutOff == "" && p.DefaultWorkingDays == nil && p.LocalOnlyMarkets == nil {
		return defaultPolicy, nil
	}
	return p.parse()
}

// parse applies the defaults without copying the default slices, so a decision pays nothing
// for them.
func (p Policy) parse() (compiledPolicy, error) {
	var cp compiledPolicy
	var err error
	cutOff := p.DefaultCutOff
	if cutOff == "" {
		cutOff = DefaultCutOff
	}
	if cp.cutOff, err = parseClock(cutOff); err != nil {
		return cp, fmt.Errorf("policy: default %w", err)
	}
	days := p.DefaultWorkingDays
	if len(days) == 0 {
		days = defaultWorkingDays
	}
	if cp.workdays, err = parseWorkingDays(days); err != nil {
		return cp, fmt.Errorf("policy: default %w", err)
	}
	cp.localOnly = p.LocalOnlyMarkets
	if cp.localOnly == nil {
		cp.localOnly = DefaultLocalOnlyMarkets
	}
	return cp, nil
}

// CostFunc estimates what shipping lines from w would cost, in minor units of one currency for
// every warehouse of a decision; ok false means w cannot ship them (no service, no rate). The
// rating engine plugs in here. It must not modify w or lines, and must be safe to call from the
// goroutine that calls Decide.
type CostFunc func(w *model.Warehouse, lines []model.StockLine) (cost int64, ok bool)

// Request is everything one allocation decision depends on. Decide reads nothing else.
type Request struct {
	// Order is the confirmed order to allocate. Its lines are grouped by SKU: lines of one SKU
	// always go to one warehouse together (R-MODE-6).
	Order *model.Order
	// Market holds the order market's rules: PromiseDays and TimeZone (R-SLA-1). Its Code must
	// be the order's market.
	Market config.Market
	// Now is the decision time: it picks today's or the next hand-over.
	Now time.Time
	// Candidates are the shop's warehouses, in any order.
	Candidates []model.Candidate
	// AllowSplit lets the shop ship one order in several packages from several warehouses,
	// used only when no single warehouse can serve the whole order.
	AllowSplit bool
	// Cost estimates shipping costs. Nil: every warehouse costs 0, so cost never decides.
	Cost CostFunc
	// Holidays marks public holidays on which a warehouse hands nothing over. Nil: none.
	Holidays HolidayFunc
	// Policy holds the defaults (cut-off, working days, R-MODE-5 markets).
	Policy Policy
}

// Reason codes, stable: the API and the seller's tools match on them.
const (
	// ReasonInvalidWarehouse: the warehouse's configuration cannot be read (time zone, cut-off,
	// working days); Warehouse.Validate says what to fix.
	ReasonInvalidWarehouse = "invalid_warehouse"
	// ReasonWrongMarket: the warehouse may not ship to the order's market: R-MODE-5 (a US order
	// from a warehouse outside the US), or not its market and no transit rule covers it.
	ReasonWrongMarket = "wrong_market"
	// ReasonInsufficientStock: not enough available for every line; Short says which SKUs.
	// As a decision's reason: some line cannot be served by any one warehouse.
	ReasonInsufficientStock = "insufficient_stock"
	// ReasonNoRate: the cost estimate cannot rate shipping the lines from this warehouse.
	ReasonNoRate = "no_rate"
	// ReasonMissesPromise: the estimated delivery is after the promise deadline (R-SLA-1). On
	// the chosen warehouse it means the order is allocated at late risk.
	ReasonMissesPromise = "misses_promise"
	// ReasonTransitUnknown: no transit rule covers the destination, and another warehouse is
	// known to meet the promise.
	ReasonTransitUnknown = "transit_unknown"
	// ReasonCostlier: as good on the promise, but costs more than the chosen warehouse.
	ReasonCostlier = "costlier"
	// ReasonLater: delivers later than the chosen warehouse (and costs no less).
	ReasonLater = "later"
	// ReasonTieBreak: equal to the chosen warehouse on promise, cost and delivery; the lower
	// warehouse id wins, so the choice never depends on input order.
	ReasonTieBreak = "not_chosen_tie_break"
	// ReasonCoveredElsewhere: in a split, the lines it could take went to other warehouses.
	ReasonCoveredElsewhere = "covered_elsewhere"
	// ReasonSplitForbidden, as a decision's reason: every line is in stock somewhere, but no one
	// warehouse holds them all and the shop does not allow split shipments.
	ReasonSplitForbidden = "split_forbidden"
	// ReasonNoWarehouse, as a decision's reason: no warehouse may ship to the order's market.
	ReasonNoWarehouse = "no_warehouse"
)

// Promise tiers, best first.
const (
	tierMeets   = iota // known transit, delivered by the deadline
	tierUnknown        // no transit rule: assumed to meet (it serves its own market) but unverified
	tierMisses         // known transit, delivered after the deadline
)

// eval is the working state of one candidate. What the decision reports of it (hand-over,
// estimate, cost, eligible, chosen, reasons) is written straight into its Considered entry.
type eval struct {
	out         *model.Considered
	w           *model.Warehouse
	stock       map[string]model.Balance
	short       []model.Shortage
	service     string
	tier        int
	marketOK    bool // valid, may ship to the market, and has a hand-over day
	rated       bool // the whole order was rated (single-package candidates only)
	coverable   bool // in a split: could take some line that went elsewhere
	splitNoRate bool // in a split: the cost estimate refused a package
}

// smallShop is how many candidates a decision evaluates without allocating its working state:
// most shops have a handful of warehouses.
const smallShop = 16

// Decide chooses the warehouse(s) for a confirmed order:
//
//  1. A warehouse can serve when it may ship to the market (R-MODE-5, its market or transit
//     table) and has available stock for every line: one package is preferred over a split.
//  2. Among those, one known to meet the promise (R-SLA-1) beats one whose transit is unknown,
//     which beats one known to miss it.
//  3. Then the cheapest (Cost), then the earliest delivery, then the lowest warehouse id. When
//     every candidate misses the promise the earliest delivery comes before cost, and the
//     decision is flagged LateRisk: lateness alone never refuses an allocation.
//  4. Only when no single warehouse can serve and the request allows it, the order is split,
//     each SKU whole in one warehouse (R-MODE-6), greedily: the warehouse covering the most
//     remaining lines first, ranked as above.
//
// Decide returns an error only for a request it cannot read (no order, no time, wrong market
// rules, a bad line, duplicate warehouse ids); a misconfigured warehouse is ruled out with
// invalid_warehouse. It is pure and deterministic: the same request gives the same decision
// whatever the order of Candidates.
func Decide(req Request) (model.Decision, error) {
	o := req.Order
	if o == nil {
		return model.Decision{}, fmt.Errorf("decide: no order: %w", model.ErrInvalid)
	}
	if req.Now.IsZero() {
		return model.Decision{}, fmt.Errorf("decide order %s: no decision time: %w", o.ID, model.ErrInvalid)
	}
	market := model.NormalizeMarket(string(o.Market))
	if req.Market.Code != market {
		return model.Decision{}, fmt.Errorf("decide order %s: market rules of %q given for a %q order: %w", o.ID, req.Market.Code, market, model.ErrInvalid)
	}
	pol, err := req.Policy.compile()
	if err != nil {
		return model.Decision{}, fmt.Errorf("decide order %s: %w: %w", o.ID, err, model.ErrInvalid)
	}
	marketLoc, err := loadZone(req.Market.TimeZone)
	if err != nil {
		return model.Decision{}, fmt.Errorf("decide order %s: market %s: %w", o.ID, market, err)
	}
	deadline, err := promiseDeadline(o, req.Market.PromiseDays, marketLoc)
	if err != nil {
		return model.Decision{}, fmt.Errorf("decide order %s: %w", o.ID, err)
	}
	items, err := orderItems(o)
	if err != nil {
		return model.Decision{}, fmt.Errorf("decide order %s: %w", o.ID, err)
	}

	in := decideInput{
		now:        req.Now,
		marketZone: req.Market.TimeZone,
		cost:       req.Cost,
		holidays:   req.Holidays,
		allowSplit: req.AllowSplit,
		items:      items,
		dest:       destinationOf(o),
		market:     string(market),
		localOnly:  slices.Contains(pol.localOnly, market),
		marketLoc:  marketLoc,
		deadline:   deadline,
		pol:        pol,
	}
	// Candidates are taken in warehouse-id order, so that the decision never depends on the
	// order the store loaded them in. Sorting indices keeps the sort cheap.
	byID := make([]int, len(req.Candidates))
	for i := range byID {
		byID[i] = i
	}
	slices.SortFunc(byID, func(a, b int) int {
		return strings.Compare(req.Candidates[a].Warehouse.ID, req.Candidates[b].Warehouse.ID)
	})
	for k := 1; k < len(byID); k++ {
		if id := req.Candidates[byID[k]].Warehouse.ID; id == req.Candidates[byID[k-1]].Warehouse.ID {
			return model.Decision{}, fmt.Errorf("decide order %s: warehouse %q is a candidate twice: %w", o.ID, id, model.ErrInvalid)
		}
	}
	d := model.Decision{OrderID: o.ID, PromiseDeadline: deadline, Considered: make([]model.Considered, len(byID))}
	// The working state lives on the stack for a small shop: it is garbage the moment Decide
	// returns, and a heap allocation of it cost a tenth of the decision.
	var stack [smallShop]eval
	var evals []eval
	if len(byID) <= smallShop {
		evals = stack[:len(byID)]
	} else {
		evals = make([]eval, len(byID))
	}
	// Most warehouses collect exactly one reason (the winner none): give each a slot of one
	// shared array, so a decision makes one allocation for them instead of one per warehouse.
	// A second reason simply grows that warehouse's slice.
	slots := make([]model.Reason, len(byID))
	for k, i := range byID {
		d.Considered[k].Reasons = slots[k : k : k+1]
		in.evaluate(&evals[k], &d.Considered[k], &req.Candidates[i])
	}

	if !in.single(evals, &d) && in.allowSplit {
		in.split(evals, &d)
	}
	if len(d.Allocations) == 0 {
		in.explainShort(evals, &d)
	}
	return d, nil
}

// decideInput is what every step of one decision shares.
type decideInput struct {
	now        time.Time
	marketZone string
	cost       CostFunc
	holidays   HolidayFunc
	allowSplit bool
	items      []model.StockLine
	dest       destination
	market     string
	localOnly  bool
	marketLoc  *time.Location
	deadline   time.Time
	pol        compiledPolicy

	// Hand-overs already computed in this decision, by clock. A shop's warehouses mostly share a
	// few zones, cut-offs and working-day sets, and without holidays the hand-over depends on
	// nothing else, so each distinct clock is worked out once. A handful of entries is plenty;
	// past that, the oldest is replaced.
	clocks    [4]compiledWarehouse
	handovers [4]handover
	nClocks   int

	// Dates that several reasons quote, formatted on first use.
	deadlineDay string
	winDay      string
}

// handover returns w's hand-over day, reusing one computed for the same clock when no holiday
// calendar can tell warehouses apart.
func (in *decideInput) handover(w *model.Warehouse, cw *compiledWarehouse) (handover, error) {
	if in.holidays != nil {
		return handoverDay(w, cw, in.now, in.holidays)
	}
	n := min(in.nClocks, len(in.clocks))
	for i := 0; i < n; i++ {
		if in.clocks[i] == *cw {
			return in.handovers[i], nil
		}
	}
	h, err := handoverDay(w, cw, in.now, nil)
	if err == nil {
		slot := in.nClocks % len(in.clocks)
		in.clocks[slot], in.handovers[slot] = *cw, h
		in.nClocks++
	}
	return h, err
}

// orderItems groups the order's lines by SKU, in order of first appearance.
func orderItems(o *model.Order) ([]model.StockLine, error) {
	if len(o.Lines) == 0 {
		return nil, fmt.Errorf("the order has no lines: %w", model.ErrInvalid)
	}
	items := make([]model.StockLine, 0, len(o.Lines))
	for i, l := range o.Lines {
		if strings.TrimSpace(l.SKU) == "" || l.Quantity <= 0 {
			return nil, fmt.Errorf("lines[%d]: want a SKU and a positive quantity: %w", i, model.ErrInvalid)
		}
		j := slices.IndexFunc(items, func(it model.StockLine) bool { return it.SKU == l.SKU })
		if j < 0 {
			items = append(items, model.StockLine{SKU: l.SKU, Quantity: l.Quantity})
			continue
		}
		if items[j].Quantity > (1<<62)-l.Quantity {
			return nil, fmt.Errorf("lines[%d]: quantity of %s overflows: %w", i, l.SKU, model.ErrInvalid)
		}
		items[j].Quantity += l.Quantity
	}
	return items, nil
}

// evaluate checks one candidate against the gates that do not depend on the others: its
// configuration, the market, stock, the promise, and the cost of the whole order. e and out are
// fresh (zero); evaluate fills them in place, field by field, rather than copying whole structs
// into the heap.
func (in *decideInput) evaluate(e *eval, out *model.Considered, c *model.Candidate) {
	e.out, e.w, e.stock = out, &c.Warehouse, c.Stock
	w := e.w
	out.WarehouseID = w.ID
	var loc *time.Location
	if w.TimeZone == in.marketZone {
		loc = in.marketLoc
	}
	cw, err := compileWarehouse(w, &in.pol, loc)
	if err != nil {
		out.Reasons = append(out.Reasons, model.Reason{Code: ReasonInvalidWarehouse, Message: err.Error()})
		return
	}

	country := countryOf(w.Address)
	tm := matchTransit(w.Transit, in.dest)
	switch {
	case in.localOnly && (country != in.market || w.Type == model.WarehouseDomesticCN):
		where := country
		if w.Type == model.WarehouseDomesticCN {
			where = "China (domestic_cn)"
		} else if where == "" {
			where = "an unknown country"
		}
		out.Reasons = append(out.Reasons, model.Reason{Code: ReasonWrongMarket,
			Message: "R-MODE-5: " + in.market + " orders ship only from a warehouse in " + in.market + "; this one is in " + where})
	case tm.found:
		e.marketOK, out.TransitKnown, e.service = true, true, tm.service
	case homeMarket(w) == in.dest.country:
		e.marketOK = true // no rule for the destination: its own market, transit unknown
	default:
		out.Reasons = append(out.Reasons, model.Reason{Code: ReasonWrongMarket,
			Message: "does not ship to " + in.dest.country + ": its market is " + homeMarket(w) + " and no transit rule covers " + in.dest.country})
	}

	for _, it := range in.items {
		if avail := available(c.Stock[it.SKU]); avail < it.Quantity {
			e.short = append(e.short, model.Shortage{SKU: it.SKU, Needed: it.Quantity, Available: avail})
		}
	}
	if len(e.short) > 0 {
		out.Reasons = append(out.Reasons, model.Reason{Code: ReasonInsufficientStock, Message: shortMessage(e.short), Short: e.short})
	}
	if !e.marketOK {
		return
	}

	h, err := in.handover(w, &cw)
	out.Handover = h.day
	if err != nil {
		e.marketOK = false
		out.Reasons = append(out.Reasons, model.Reason{Code: ReasonInvalidWarehouse, Message: err.Error()})
		return
	}
	e.tier = tierUnknown
	if out.TransitKnown {
		out.EstimatedDelivery = estimatedDelivery(h, tm.days, in.marketLoc)
		e.tier = tierMeets
		if out.EstimatedDelivery.After(in.deadline) {
			e.tier = tierMisses
		}
		out.MeetsPromise = e.tier == tierMeets
	}

	if len(e.short) == 0 {
		out.Cost, e.rated = in.rate(w, in.items)
		if !e.rated {
			out.Cost = 0
			out.Reasons = append(out.Reasons, model.Reason{Code: ReasonNoRate, Message: "the cost estimate cannot rate shipping the order from this warehouse"})
		}
		out.Eligible = e.rated
	}
}

// rate is the caller's cost estimate, or 0 for every warehouse without one.
func (in *decideInput) rate(w *model.Warehouse, lines []model.StockLine) (int64, bool) {
	if in.cost == nil {
		return 0, true
	}
	return in.cost(w, lines)
}

// better reports whether a ranks before b: promise tier, then cost, delivery and id; among
// warehouses that all miss the promise, delivery comes before cost (deliver soonest).
func better(aTier int, aCost int64, aEst time.Time, aID string, bTier int, bCost int64, bEst time.Time, bID string) bool {
	if aTier != bTier {
		return aTier < bTier
	}
	if aTier == tierMisses && !aEst.Equal(bEst) {
		return aEst.Before(bEst)
	}
	if aCost != bCost {
		return aCost < bCost
	}
	if !aEst.Equal(bEst) {
		return aEst.Before(bEst)
	}
	return aID < bID
}

// single picks the best warehouse that can ship the whole order, explains every other eligible
// one, and reports whether it found one.
func (in *decideInput) single(evals []eval, d *model.Decision) bool {
	best := -1
	for i := range evals {
		e := &evals[i]
		if !e.out.Eligible {
			continue
		}
		if best < 0 || better(e.tier, e.out.Cost, e.out.EstimatedDelivery, e.w.ID, evals[best].tier, evals[best].out.Cost, evals[best].out.EstimatedDelivery, evals[best].w.ID) {
			best = i
		}
	}
	if best < 0 {
		return false
	}
	win := &evals[best]
	win.out.Chosen = true
	for i := range evals {
		e := &evals[i]
		if !e.out.Eligible {
			continue
		}
		if e.tier == tierMisses {
			e.out.Reasons = append(e.out.Reasons, in.missesReason(e.out.EstimatedDelivery))
		}
		if i != best {
			in.explainLoss(e, win)
		}
	}
	d.Allocations = []model.Allocation{{
		WarehouseID:       win.w.ID,
		Lines:             in.items,
		Cost:              win.out.Cost,
		Handover:          win.out.Handover,
		EstimatedDelivery: win.out.EstimatedDelivery,
		TransitKnown:      win.out.TransitKnown,
		Service:           win.service,
	}}
	d.LateRisk = win.tier == tierMisses
	d.TransitKnown = win.out.TransitKnown
	d.EstimatedDelivery = win.out.EstimatedDelivery
	return true
}

// explainLoss adds the reason e lost to win, both eligible.
func (in *decideInput) explainLoss(e, win *eval) {
	switch {
	case e.tier != win.tier:
		if e.tier == tierUnknown {
			e.out.Reasons = append(e.out.Reasons, model.Reason{Code: ReasonTransitUnknown,
				Message: "no transit rule covers the destination; " + win.w.ID + " is known to meet the promise"})
		}
		// tierMisses already carries misses_promise.
	case e.tier == tierMisses && !e.out.EstimatedDelivery.Equal(win.out.EstimatedDelivery):
		e.out.Reasons = append(e.out.Reasons, in.laterReason(e.out.EstimatedDelivery, win))
	case e.out.Cost != win.out.Cost:
		var buf [128]byte
		m := strconv.AppendInt(append(buf[:0], "costs "...), e.out.Cost, 10)
		m = strconv.AppendInt(append(m, " against "...), win.out.Cost, 10)
		m = append(append(m, " at "...), win.w.ID...)
		e.out.Reasons = append(e.out.Reasons, model.Reason{Code: ReasonCostlier, Message: string(m)})
	case !e.out.EstimatedDelivery.Equal(win.out.EstimatedDelivery):
		e.out.Reasons = append(e.out.Reasons, in.laterReason(e.out.EstimatedDelivery, win))
	default:
		e.out.Reasons = append(e.out.Reasons, model.Reason{Code: ReasonTieBreak,
			Message: "equal to " + win.w.ID + " on promise, cost and delivery; the lower warehouse id wins"})
	}
}

func (in *decideInput) laterReason(est time.Time, win *eval) model.Reason {
	if in.winDay == "" {
		var buf [16]byte
		in.winDay = string(appendDate(buf[:0], win.out.EstimatedDelivery))
	}
	return model.Reason{Code: ReasonLater, Message: message("delivers by ", est, ", ", win.w.ID, " by ", in.winDay)}
}

func (in *decideInput) missesReason(est time.Time) model.Reason {
	if in.deadlineDay == "" {
		var buf [16]byte
		in.deadlineDay = string(appendDate(buf[:0], in.deadline))
	}
	return model.Reason{Code: ReasonMissesPromise, Message: message("R-SLA-1: delivers by ", est, ", after the promise deadline ", in.deadlineDay)}
}

// message is a, t's date, then the rest, in one allocation: reasons are written for every
// losing warehouse of every decision, thousands of times a second.
func message(a string, t time.Time, rest ...string) string {
	var buf [128]byte
	m := appendDate(append(buf[:0], a...), t)
	for _, r := range rest {
		m = append(m, r...)
	}
	return string(m)
}

// appendDate appends t's local date as YYYY-MM-DD (years 0–9999), like time.DateOnly without
// parsing a layout.
func appendDate(b []byte, t time.Time) []byte {
	y, m, d := t.Date()
	b = append(b, byte('0'+y/1000%10), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-')
	b = append(b, byte('0'+int(m)/10), byte('0'+int(m)%10), '-')
	return append(b, byte('0'+d/10), byte('0'+d%10))
}

// split allocates the order across warehouses (R-MODE-6: each SKU whole in one warehouse),
// greedily: each round takes the warehouse that covers the most remaining lines, ranked by
// promise, cost, delivery and id as a single package would be. It leaves d without
// allocations when some line cannot be placed.
func (in *decideInput) split(evals []eval, d *model.Decision) {
	remaining := make([]bool, len(in.items))
	for i := range remaining {
		remaining[i] = true
	}
	left := len(in.items)
	type pick struct {
		e     int
		lines []model.StockLine
		cost  int64
	}
	var picks []pick
	for left > 0 {
		best := pick{e: -1}
		for i := range evals {
			e := &evals[i]
			if !e.marketOK || e.out.Chosen {
				continue
			}
			var lines []model.StockLine
			for j, it := range in.items {
				if remaining[j] && available(e.stock[it.SKU]) >= it.Quantity {
					lines = append(lines, it)
				}
			}
			if len(lines) == 0 {
				continue
			}
			e.coverable = true
			cost, ok := in.rate(e.w, lines)
			if !ok {
				e.splitNoRate = true
				continue
			}
			if best.e < 0 || len(lines) > len(best.lines) ||
				(len(lines) == len(best.lines) && better(e.tier, cost, e.out.EstimatedDelivery, e.w.ID, evals[best.e].tier, best.cost, evals[best.e].out.EstimatedDelivery, evals[best.e].w.ID)) {
				best = pick{e: i, lines: lines, cost: cost}
			}
		}
		if best.e < 0 {
			for i := range evals {
				evals[i].out.Chosen = false
			}
			explainSplit(evals, false)
			return
		}
		evals[best.e].out.Chosen = true
		for _, l := range best.lines {
			remaining[slices.IndexFunc(in.items, func(it model.StockLine) bool { return it.SKU == l.SKU })] = false
		}
		left -= len(best.lines)
		picks = append(picks, best)
	}

	d.TransitKnown = true
	for _, p := range picks {
		e := &evals[p.e]
		e.out.Cost = p.cost
		if e.tier == tierMisses {
			e.out.Reasons = append(e.out.Reasons, in.missesReason(e.out.EstimatedDelivery))
			d.LateRisk = true
		}
		d.Allocations = append(d.Allocations, model.Allocation{
			WarehouseID:       e.w.ID,
			Lines:             p.lines,
			Cost:              p.cost,
			Handover:          e.out.Handover,
			EstimatedDelivery: e.out.EstimatedDelivery,
			TransitKnown:      e.out.TransitKnown,
			Service:           e.service,
		})
		if !e.out.TransitKnown {
			d.TransitKnown = false
		}
		if e.out.EstimatedDelivery.After(d.EstimatedDelivery) {
			d.EstimatedDelivery = e.out.EstimatedDelivery
		}
	}
	if !d.TransitKnown {
		d.EstimatedDelivery = time.Time{}
	}
	explainSplit(evals, true)
}

// explainSplit adds to every warehouse left out of a split why it was: the cost estimate refused
// it, or (when the split succeeded) the lines it could ship went elsewhere.
func explainSplit(evals []eval, allocated bool) {
	for i := range evals {
		e := &evals[i]
		if e.out.Chosen {
			continue
		}
		switch {
		case e.splitNoRate:
			if !hasReason(e, ReasonNoRate) {
				e.out.Reasons = append(e.out.Reasons, model.Reason{Code: ReasonNoRate, Message: "the cost estimate cannot rate a package of the lines it holds"})
			}
		case e.coverable && allocated:
			e.out.Reasons = append(e.out.Reasons, model.Reason{Code: ReasonCoveredElsewhere, Message: "the lines it could ship went to warehouses covering more of the order"})
		}
	}
}

// explainShort fills the decision's reason and Short when nothing was allocated.
func (in *decideInput) explainShort(evals []eval, d *model.Decision) {
	d.Allocations = []model.Allocation{} // [] in JSON, not null
	anyMarket, anyWhole := false, false
	for i := range evals {
		e := &evals[i]
		if e.marketOK {
			anyMarket = true
			if len(e.short) == 0 {
				anyWhole = true
			}
		}
	}
	if !anyMarket {
		d.Reason = ReasonNoWarehouse
	}
	for _, it := range in.items {
		var total, maxSingle int64
		for i := range evals {
			e := &evals[i]
			if !e.marketOK {
				continue
			}
			avail := available(e.stock[it.SKU])
			if total += avail; total < 0 { // saturate rather than wrap on absurd figures
				total = 1<<63 - 1
			}
			maxSingle = max(maxSingle, avail)
		}
		if maxSingle < it.Quantity {
			d.Short = append(d.Short, model.Shortage{SKU: it.SKU, Needed: it.Quantity, Available: total, MaxSingle: maxSingle})
		}
	}
	switch {
	case d.Reason != "":
	case len(d.Short) > 0:
		d.Reason = ReasonInsufficientStock
	case !anyWhole && !in.allowSplit:
		d.Reason = ReasonSplitForbidden
	default:
		d.Reason = ReasonNoRate
	}
}

// shortMessage names the first short SKU and counts the others, in one allocation.
func shortMessage(short []model.Shortage) string {
	var buf [128]byte
	s := short[0]
	m := append(buf[:0], s.SKU...)
	m = append(m, ": "...)
	m = strconv.AppendInt(m, s.Available, 10)
	m = append(m, " available, "...)
	m = strconv.AppendInt(m, s.Needed, 10)
	m = append(m, " needed"...)
	if len(short) > 1 {
		m = append(m, " (and "...)
		m = strconv.AppendInt(m, int64(len(short)-1), 10)
		m = append(m, " more SKUs)"...)
	}
	return string(m)
}

func hasReason(e *eval, code string) bool {
	return slices.ContainsFunc(e.out.Reasons, func(r model.Reason) bool { return r.Code == code })
}

// available is what b may still sell, worked out again from its three stored figures: a
// candidate's Available field is not trusted.
func available(b model.Balance) int64 {
	return model.NewBalance(b.OnHand, b.Reserved, b.SafetyStock).Available
}
