package sim

import (
	"container/heap"
	"fmt"
	"math"
	"strings"
	"time"

	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/model"
)

// maxPerStep bounds the orders one Step creates, so a clock that jumps a year ahead does not
// stall the sim; the rest of the backlog is forgotten.
const maxPerStep = 100_000

// Step moves the world along to the sim's clock: it creates the orders due at OrderRate since
// the last step, pays, collects, delivers, completes and auto-cancels what is due, and sends
// the late webhooks whose time has come. The background loop calls it every Options.Tick;
// tests with Tick < 0 call it after moving their clock.
func (s *Sim) Step() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Now()
	s.generate(now)
	s.fire(now)
	s.releaseLate(now)
}

// generate creates the orders due since the last step.
func (s *Sim) generate(now time.Time) {
	if s.lastStep.IsZero() || now.Before(s.lastStep) {
		s.lastStep = now
		return
	}
	rate := s.rate
	if s.peak {
		rate *= s.opts.PeakFactor
	}
	due := s.carry + rate*now.Sub(s.lastStep).Seconds()
	s.lastStep = now
	n := math.Floor(due)
	s.carry = due - n
	if n > maxPerStep {
		n, s.carry = maxPerStep, 0
	}
	for i := 0; i < int(n); i++ {
		sh := s.shops[s.rng.IntN(len(s.shops))]
		s.createOrder(sh, now, s.rng.Float64() < s.opts.UnpaidShare)
	}
}

// CreateOrders creates n paid orders now for shop shopID ("" spreads them over the shops at
// random) and returns their ids (POST /sim/orders).
func (s *Sim) CreateOrders(shopID string, n int) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var sh *shopState
	if shopID != "" {
		if sh = s.shopByID[shopID]; sh == nil {
			return nil, fmt.Errorf("no shop %q in the sim", shopID)
		}
	}
	if n < 0 || n > 1_000_000 {
		return nil, fmt.Errorf("count %d: want 0 to 1,000,000", n)
	}
	now := s.Now()
	ids := make([]string, 0, n)
	for i := 0; i < n; i++ {
		target := sh
		if target == nil {
			target = s.shops[s.rng.IntN(len(s.shops))]
		}
		ids = append(ids, s.createOrder(target, now, false).w.ID)
	}
	return ids, nil
}

// createOrder places a new order in sh, with demo content: paid now, or UNPAID and paid
// 1 to 10 minutes later.
func (s *Sim) createOrder(sh *shopState, now time.Time, unpaid bool) *order {
	mo := s.gen.Order(sh.Market, now)
	cur := sh.market.Currency
	o := &order{shop: sh}
	w := &o.w
	w.ID = s.nextID("57")
	w.CreateTime, w.UpdateTime = now.Unix(), now.Unix()
	w.Status = tiktok.OrderUnpaid
	w.FulfillmentType = tiktok.FulfillmentBySeller
	w.ShippingType = sh.ShippingType
	w.DeliveryOptionID = sh.deliveryOptionID
	w.WarehouseID = sh.warehouseID
	w.UserID = stableID("user/"+mo.Buyer.Name, 19)
	w.BuyerEmail = "v2_" + strings.ToLower(s.randomToken(9)) + "@scs.tiktokw.us"
	if s.rng.IntN(8) == 0 {
		w.BuyerMessage = "Please pack carefully, it is a gift"
	}
	a := mo.ShippingAddress
	w.RecipientAddress = recipientOf(a, sh.Market)
	o.to = labelAddress{name: a.Name, line1: a.Line1, line2: a.Line2, city: a.City, region: a.Region, postal: a.PostalCode, country: string(sh.Market), phone: a.Phone}
	var total int64
	for _, l := range mo.Lines {
		price := l.UnitPrice.Amount
		ps, _ := tiktok.FormatAmount(price, cur)
		for q := int64(0); q < l.Quantity; q++ {
			w.LineItems = append(w.LineItems, wireLineItem{
				ID: s.nextID("17"), SKUID: stableID("sku/"+l.SKU, 19), SellerSKU: l.SKU, ProductID: stableID("product/"+l.SKU, 19),
				ProductName: l.Name, SKUName: "Default", SalePrice: ps, OriginalPrice: ps, Currency: cur,
				PackageStatus: tiktok.LineToFulfill, DisplayStatus: w.Status,
			})
			total += price
		}
	}
	ts, _ := tiktok.FormatAmount(total, cur)
	zero, _ := tiktok.FormatAmount(0, cur)
	w.Payment = wirePayment{Currency: cur, SubTotal: ts, ShippingFee: zero, SellerDiscount: zero, PlatformDiscount: zero, Tax: zero, TotalAmount: ts}
	w.IsCOD = mo.COD != nil
	w.Packages = []wirePackageRef{}
	s.orders[w.ID] = o
	sh.byCreate = insertIndex(sh.byCreate, byCreateKey, o)
	sh.byUpdate = insertIndex(sh.byUpdate, byUpdateKey, o)
	s.stats.Orders++
	s.stats.OrdersCreated[sh.ID]++
	if unpaid {
		s.emitStatus(o, now)
		s.schedule(now.Add(time.Duration(60+s.rng.IntN(540))*time.Second), timerPay, o, nil)
		return o
	}
	s.pay(o, now)
	return o
}

// recipientOf is the platform's recipient address of a demo address: the district levels from
// the country down.
func recipientOf(a model.Address, market model.Market) wireAddress {
	d := []wireDistrict{{AddressLevelName: "country", AddressName: countryName(string(market)), AddressLevel: "L0"}}
	if a.Region != "" {
		d = append(d, wireDistrict{AddressLevelName: regionLevel(market), AddressName: a.Region, AddressLevel: "L1"})
	}
	if a.City != "" {
		d = append(d, wireDistrict{AddressLevelName: cityLevel(market), AddressName: a.City, AddressLevel: fmt.Sprintf("L%d", len(d))})
	}
	parts := []string{a.Line1}
	if a.Line2 != "" {
		parts = append(parts, a.Line2)
	}
	for i := len(d) - 1; i >= 0; i-- {
		parts = append(parts, d[i].AddressName)
	}
	parts = append(parts, a.PostalCode)
	return wireAddress{Name: a.Name, PhoneNumber: a.Phone, AddressLine1: a.Line1, AddressLine2: a.Line2, DistrictInfo: d,
		FullAddress: strings.Join(parts, ", "), PostalCode: a.PostalCode, RegionCode: string(market)}
}

func regionLevel(m model.Market) string {
	switch m {
	case "US":
		return "State"
	case "GB":
		return "County"
	}
	return "Province"
}

func cityLevel(m model.Market) string {
	if m == "GB" {
		return "Post town"
	}
	return "City"
}

// pay marks o paid now: the deadlines are set, its package made, the auto-cancel scheduled.
func (s *Sim) pay(o *order, now time.Time) {
	w := &o.w
	mk := o.shop.market
	paid := now
	w.PaidTime = paid.Unix()
	w.RTSSLATime = paid.Add(mk.ShipWithin).Unix()                        // R-SHIP-1
	w.TTSSLATime = paid.Add(mk.ShipWithin + s.opts.CollectWithin).Unix() // R-TRK-2
	w.CollectionDueTime = w.TTSSLATime                                   // R-TRK-2
	w.ShippingDueTime = paid.Add(s.opts.ShippingDueAfter).Unix()         // R-SHIP-1: auto-cancel
	promise := time.Duration(mk.PromiseDays) * 24 * time.Hour            // R-SLA-1
	w.DeliverySLATime = paid.Add(promise).Unix()                         // R-SLA-1
	w.DeliveryDueTime = paid.Add(promise + s.opts.LateAfter).Unix()      // R-SLA-2
	p := &pkg{id: s.nextID("11"), order: o, shippingType: w.ShippingType, createTime: now.Unix(), updateTime: now.Unix()}
	for i := range w.LineItems {
		p.items = append(p.items, i)
		w.LineItems[i].PackageID = p.id
	}
	o.pkgs = append(o.pkgs, p)
	s.pkgs[p.id] = p
	w.Packages = append(w.Packages, wirePackageRef{ID: p.id})
	s.schedule(time.Unix(w.ShippingDueTime, 0), timerAutoCancel, o, nil)
	s.setStatus(o, tiktok.OrderAwaitingShipment, now)
}

// setStatus changes o's status, stamps update_time and sends ORDER_STATUS_CHANGE.
func (s *Sim) setStatus(o *order, status string, now time.Time) {
	o.w.Status = status
	for i := range o.w.LineItems {
		o.w.LineItems[i].DisplayStatus = status
	}
	switch status {
	case tiktok.OrderInTransit:
		if o.w.CollectionTime == 0 {
			o.w.CollectionTime = now.Unix()
		}
	case tiktok.OrderDelivered:
		o.w.DeliveryTime = now.Unix()
	case tiktok.OrderCancelled:
		o.w.CancelTime = now.Unix()
	}
	s.touch(o, now)
	s.emitStatus(o, now)
}

// setPackage moves p to st, with its line items.
func (s *Sim) setPackage(p *pkg, st pkgState, now time.Time) {
	p.state = st
	p.updateTime = now.Unix()
	for _, i := range p.items {
		li := &p.order.w.LineItems[i]
		li.PackageStatus = st.lineStatus()
		li.TrackingNumber = p.tracking
		li.ShippingProviderID = p.providerID
	}
}

// derive sets o's status from its packages' states, when it changed.
func (s *Sim) derive(o *order, now time.Time) {
	if o.w.Status == tiktok.OrderCancelled || o.w.Status == tiktok.OrderCompleted {
		return
	}
	var n, toShip, awaiting, inTransit int
	for _, p := range o.pkgs {
		switch p.state {
		case pkgCancelled:
			continue
		case pkgToShip:
			toShip++
		case pkgAwaitingCollection:
			awaiting++
		case pkgInTransit:
			inTransit++
		}
		n++
	}
	if n == 0 {
		return
	}
	var st string
	switch {
	case toShip == n:
		st = tiktok.OrderAwaitingShipment
	case toShip > 0:
		st = tiktok.OrderPartiallyShipping
	case awaiting > 0:
		st = tiktok.OrderAwaitingCollection
	case inTransit > 0:
		st = tiktok.OrderInTransit
	default:
		st = tiktok.OrderDelivered
	}
	if st != o.w.Status {
		s.setStatus(o, st, now)
		if st == tiktok.OrderDelivered {
			s.schedule(now.Add(s.opts.CompleteAfter), timerComplete, o, nil)
		}
	} else {
		s.touch(o, now)
	}
}

// cancel cancels o and its packages.
func (s *Sim) cancel(o *order, reason string, now time.Time) {
	o.w.CancelReason = reason
	for _, p := range o.pkgs {
		s.setPackage(p, pkgCancelled, now)
	}
	for i := range o.w.LineItems {
		o.w.LineItems[i].PackageStatus = tiktok.LineCancelled
	}
	s.setStatus(o, tiktok.OrderCancelled, now)
}

// fire runs the timers that are due.
func (s *Sim) fire(now time.Time) {
	for len(s.timers) > 0 && !s.timers[0].at.After(now) {
		t := heap.Pop(&s.timers).(timer)
		// A change is stamped with the step's time, when it becomes visible, never earlier: a
		// pull by update_time that already passed the timer's own time must still find it.
		at := now
		o := t.order
		switch t.kind {
		case timerPay:
			if o.w.Status == tiktok.OrderUnpaid {
				s.pay(o, at)
			}
		case timerAutoCancel:
			// R-SHIP-1: not shipped (AWAITING_COLLECTION or further) by shipping_due_time.
			if o.w.Status == tiktok.OrderAwaitingShipment || o.w.Status == tiktok.OrderOnHold {
				s.cancel(o, "Package not shipped before the shipping due time (auto-cancelled)", at)
				s.stats.AutoCancels++
			}
		case timerCollect:
			if t.pkg.state == pkgAwaitingCollection {
				s.setPackage(t.pkg, pkgInTransit, at)
				s.schedule(at.Add(s.opts.DeliverAfter), timerDeliver, o, t.pkg)
				s.derive(o, at)
			}
		case timerDeliver:
			if t.pkg.state == pkgInTransit {
				s.setPackage(t.pkg, pkgDelivered, at)
				s.derive(o, at)
			}
		case timerComplete:
			if o.w.Status == tiktok.OrderDelivered {
				s.setStatus(o, tiktok.OrderCompleted, at)
			}
		}
	}
}
