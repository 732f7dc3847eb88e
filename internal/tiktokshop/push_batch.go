package tiktokshop

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/model"
	"lastmile/internal/trackno"
)

// pushItem is one shipment of a push and, once pushed, its outcome.
type pushItem struct {
	idx    []int // its places among PushMany's args (a shipment named twice is pushed once)
	o      model.Order
	sh     model.Shipment
	number string // the tracking number as it goes to the platform (R-SHIP-4)
	// pkgID and provider are the platform package it ships and the carrier named.
	pkgID, provider string
	shipped         bool   // a ship or update call took it: read it back
	note            string // how it was done, for the log
	err             error
}

// PushMany pushes shipments of one shop to the platform and returns one outcome per argument:
// nil when the platform has the shipment's number (pushed now, or already), an error for the
// job to retry otherwise. New tracking numbers go in one POST packages/ship per PushBatchSize
// shipments, whose per-item errors (data.errors[] inside a code-0 answer) fail only their own
// shipments; a number that replaces another goes by shipping_info/update. Before anything is
// sent, each number is checked (R-SHIP-4) and the platform's order read, so a shipment the
// platform has already is not sent again (idempotent). A refusal is recorded on the order as a
// problem (finish).
func (s *Service) PushMany(ctx context.Context, shopID string, args []PushArgs) []error {
	errs := make([]error, len(args))
	fail := func(err error) []error {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	conns, err := s.d.Store.ListConnections(ctx, []string{shopID})
	if err != nil {
		return fail(err)
	}
	ci := slices.IndexFunc(conns, func(c model.Connection) bool {
		return c.Platform == model.PlatformTikTok && c.Status == model.ConnectionConnected
	})
	if ci < 0 {
		return errs // not a TikTok shop, or disconnected: nothing to tell
	}
	c := conns[ci]
	var items []*pushItem
	byShipment := map[string]*pushItem{}
	for k, a := range args {
		if a.ShopID != shopID {
			errs[k] = fmt.Errorf("push shipment %s: shop %s in a push of shop %s", a.ShipmentID, a.ShopID, shopID)
			continue
		}
		if it := byShipment[a.ShipmentID]; it != nil {
			it.idx = append(it.idx, k)
			continue
		}
		o, err := s.d.Store.GetOrder(ctx, []string{shopID}, a.OrderID)
		if err != nil {
			errs[k] = err
			continue
		}
		sh, err := s.d.Store.GetShipment(ctx, []string{shopID}, a.ShipmentID)
		switch {
		case err != nil:
			errs[k] = err
			continue
		case !sh.Status.Labelled():
			continue // voided since: its replacement has a job of its own
		case !fromTikTok(o):
			continue // an order of the shop's that came another way (the API, a file): not the platform's
		}
		it := &pushItem{idx: []int{k}, o: o, sh: sh}
		byShipment[a.ShipmentID] = it
		items = append(items, it)
	}
	if len(items) == 0 {
		return errs
	}
	var live []*pushItem
	for _, it := range items {
		if it.number, it.err = checkNumber(it.sh.TrackingNumber); it.err == nil {
			live = append(live, it)
		}
	}
	if len(live) > 0 {
		if sc, err := s.shopClient(c); err != nil {
			for _, it := range live {
				it.err = err
			}
		} else {
			size := min(s.cfg.PushBatchSize, tiktok.MaxOrderIDs)
			for chunk := range slices.Chunk(live, size) {
				s.pushChunk(ctx, c, sc, chunk)
			}
		}
	}
	for _, it := range items {
		err := s.finish(ctx, c, it)
		for _, k := range it.idx {
			errs[k] = err
		}
	}
	return errs
}

// checkNumber normalises a tracking number and refuses one the platform would drop silently
// (R-SHIP-4): it is never sent.
func checkNumber(raw string) (string, error) {
	number, err := trackno.Normalize(raw)
	if err == nil && tiktok.ValidTrackingNumber(number) {
		return number, nil
	}
	msg := fmt.Sprintf("tracking number %q cannot go to TikTok: the platform keeps only 1 to 64 letters, digits and hyphens and would drop it silently, leaving the order Pending Shipment (R-SHIP-4)", raw)
	if err != nil {
		msg += ": " + err.Error()
	}
	return "", errRefused{msg: msg + "; void the label and ship again"}
}

// pushChunk pushes at most 50 shipments (one GET orders call reads them all).
func (s *Service) pushChunk(ctx context.Context, c model.Connection, sc *tiktok.ShopClient, chunk []*pushItem) {
	orders, err := s.platformOrders(ctx, sc, chunk)
	if err != nil {
		for _, it := range chunk {
			it.err = refusedOr(err)
		}
		return
	}
	providers := map[string][]tiktok.ShippingProvider{} // by delivery option
	taken := map[string]*pushItem{}                     // platform package → the item shipping it
	var ship, update []*pushItem
	for _, it := range chunk {
		p, ok := orders[it.o.ExternalID]
		if !ok {
			it.err = errRefused{msg: fmt.Sprintf("TikTok does not know order %s in shop %s", it.o.ExternalID, c.ExternalShopID)}
			continue
		}
		if p.Status == tiktok.OrderCancelled {
			it.err = errRefused{msg: fmt.Sprintf("TikTok cancelled order %s%s: the platform takes no tracking number for it; stop the parcel if it has not left",
				it.o.ExternalID, suffix(p.CancelReason))}
			continue
		}
		if p.ShippingType == tiktok.ShippingTypeTikTok {
			it.note = "platform logistics: the platform has the label and number"
			continue
		}
		pkgID, current, err := s.platformPackage(ctx, p, it.sh, it.number, taken)
		if err != nil {
			it.err = err
			continue
		}
		if current == it.number {
			it.note = "the platform has the number already"
			continue
		}
		if other := taken[pkgID]; other != nil {
			it.err = errRefused{msg: fmt.Sprintf("TikTok has one package (%s) for the goods that lastmile shipped as shipments %s and %s of order %s: "+
				"the platform keeps one tracking number per package; ship the order as TikTok packed it", pkgID, other.sh.ID, it.sh.ID, it.o.ExternalID)}
			continue
		}
		list, ok := providers[p.DeliveryOptionID]
		if !ok {
			if list, err = sc.ShippingProviders(ctx, p.DeliveryOptionID); err != nil {
				it.err = refusedOr(err)
				continue
			}
			providers[p.DeliveryOptionID] = list
		}
		pr, err := MatchProvider(it.sh.Carrier, string(it.o.Market), s.cfg.Providers[strings.ToLower(it.sh.Carrier)], list)
		if err != nil {
			// The fix is in the configuration, not the shipment: the job retries while the problem shows.
			it.err = errRefused{msg: err.Error(), retry: true}
			continue
		}
		it.pkgID, it.provider = pkgID, pr.ID
		taken[pkgID] = it
		if current == "" {
			ship = append(ship, it)
		} else {
			update = append(update, it)
		}
	}
	if len(ship) > 0 {
		s.shipBatch(ctx, sc, ship)
	}
	for _, it := range update {
		if err := sc.UpdateShippingInfo(ctx, it.pkgID, tiktok.SelfShipment{ShippingProviderID: it.provider, TrackingNumber: it.number}); err != nil {
			it.err = refusedOr(err)
			continue
		}
		it.shipped, it.note = true, "shipping_info/update"
	}
	s.readBack(ctx, sc, chunk)
}

// shipBatch ships the items in one POST packages/ship and sets each item's outcome from the
// answer's per-item errors.
func (s *Service) shipBatch(ctx context.Context, sc *tiktok.ShopClient, ship []*pushItem) {
	req := make([]tiktok.BatchShipItem, len(ship))
	for i, it := range ship {
		req[i] = tiktok.BatchShipItem{ID: it.pkgID, ShipRequest: tiktok.ShipRequest{
			SelfShipment: &tiktok.SelfShipment{ShippingProviderID: it.provider, TrackingNumber: it.number}}}
	}
	failed, err := sc.ShipPackages(ctx, req)
	if err != nil {
		for _, it := range ship {
			it.err = refusedOr(err)
		}
		return
	}
	s.m.batchShips.Inc()
	byPkg := map[string]tiktok.BatchError{}
	for _, e := range failed {
		byPkg[e.PackageID] = e
	}
	for _, it := range ship {
		e, bad := byPkg[it.pkgID]
		if !bad {
			it.shipped, it.note = true, fmt.Sprintf("packages/ship, %d in the call", len(ship))
			continue
		}
		it.err = itemError(e)
	}
}

// itemError is the outcome of one package the platform failed in a batch: retried when its
// code says the platform failed or was busy, a refusal otherwise.
func itemError(e tiktok.BatchError) error {
	te := &tiktok.Error{Kind: tiktok.ClassifyCode(e.Code, 200), Op: "ship packages", Code: e.Code,
		Message: fmt.Sprintf("package %s: %s", e.PackageID, e.Message)}
	return refusedOr(te)
}

// readBack reads the platform's orders of the items a call took, because the platform answers
// success even for a number it drops (R-SHIP-4).
func (s *Service) readBack(ctx context.Context, sc *tiktok.ShopClient, chunk []*pushItem) {
	var sent []*pushItem
	for _, it := range chunk {
		if it.shipped && it.err == nil {
			sent = append(sent, it)
		}
	}
	if len(sent) == 0 {
		return
	}
	again, err := s.platformOrders(ctx, sc, sent)
	if err != nil {
		for _, it := range sent {
			it.err = refusedOr(err) // the retry reads the platform first: nothing is sent twice
		}
		return
	}
	for _, it := range sent {
		p, ok := again[it.o.ExternalID]
		if !ok || packageTracking(p, it.pkgID) != it.number {
			it.err = errRefused{msg: fmt.Sprintf("TikTok accepted tracking number %s for order %s but did not keep it (R-SHIP-4)", it.number, it.o.ExternalID)}
		}
	}
}

// platformOrders reads the items' orders from the platform, by id.
func (s *Service) platformOrders(ctx context.Context, sc *tiktok.ShopClient, items []*pushItem) (map[string]tiktok.Order, error) {
	var ids []string
	for _, it := range items {
		if !slices.Contains(ids, it.o.ExternalID) {
			ids = append(ids, it.o.ExternalID)
		}
	}
	orders, err := sc.GetOrders(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]tiktok.Order, len(orders))
	for _, p := range orders {
		out[p.ID] = p
	}
	return out, nil
}

// platformPackage finds the platform package a shipment ships and the tracking number the
// platform has for it. An order with one package ships it. With several (the platform split
// it, and lastmile packed it the same way: Order.Packing), it is the package whose goods are
// those of lastmile's package (else the one holding them all); among equal ones, the one with
// this number, else one with none that no other shipment of this push took.
func (s *Service) platformPackage(ctx context.Context, p tiktok.Order, sh model.Shipment, number string, taken map[string]*pushItem) (id, tracking string, err error) {
	var live []string
	for _, pk := range p.Packages {
		if pk.ID != "" {
			live = append(live, pk.ID)
		}
	}
	switch len(live) {
	case 0:
		return "", "", errRefused{msg: fmt.Sprintf("TikTok order %s has no package to ship", p.ID)}
	case 1:
		return live[0], packageTracking(p, live[0]), nil
	}
	pkg, err := s.d.Store.GetPackage(ctx, []string{sh.ShopID}, sh.PackageID)
	if err != nil {
		return "", "", fmt.Errorf("package %s of shipment %s: %w", sh.PackageID, sh.ID, err)
	}
	goods := func(id string) map[string]int64 {
		m := map[string]int64{}
		for _, li := range p.LineItems {
			if li.PackageID == id && li.PackageStatus != tiktok.LineCancelled {
				m[cmpOr(strings.TrimSpace(li.SellerSKU), strings.TrimSpace(li.SKUID))] += max(li.Quantity, 1)
			}
		}
		return m
	}
	ours := map[string]int64{}
	for _, l := range pkg.Lines {
		ours[l.SKU] += l.Quantity
	}
	var exact, holding []string
	for _, id := range live {
		g := goods(id)
		if maps.Equal(g, ours) {
			exact = append(exact, id)
		}
		all := len(ours) > 0
		for sku, q := range ours {
			all = all && g[sku] >= q
		}
		if all {
			holding = append(holding, id)
		}
	}
	cands := exact
	if len(cands) == 0 {
		cands = holding
	}
	for _, id := range cands {
		if packageTracking(p, id) == number {
			return id, number, nil
		}
	}
	for _, id := range cands {
		if packageTracking(p, id) == "" && taken[id] == nil {
			return id, "", nil
		}
	}
	if len(cands) == 1 {
		return cands[0], packageTracking(p, cands[0]), nil // shipped with another number: replace it
	}
	if len(cands) > 1 {
		return "", "", errRefused{msg: fmt.Sprintf("TikTok order %s has %d packages with the goods of lastmile's package %s and each has a tracking number already: "+
			"void the extra label", p.ID, len(cands), pkg.ID)}
	}
	return "", "", errRefused{msg: fmt.Sprintf("TikTok order %s has %d packages and none holds the goods of lastmile's package %s: "+
		"the platform split or combined the order after it was packed (webhook type 4); void the label and ship again, and lastmile packs it as TikTok does", p.ID, len(live), pkg.ID)}
}

// packageTracking is the tracking number the platform has for package id of order p: its line
// items' number, or the order's when it has one package and the items carry none.
func packageTracking(p tiktok.Order, id string) string {
	for _, li := range p.LineItems {
		if li.PackageID == id && li.TrackingNumber != "" {
			return li.TrackingNumber
		}
	}
	if len(p.Packages) == 1 {
		return p.TrackingNumber
	}
	return ""
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// refusedOr makes a platform refusal an errRefused; other errors stay, to be retried.
func refusedOr(err error) error {
	if tiktok.KindOf(err) == tiktok.Refuse {
		return errRefused{msg: "TikTok refused the push: " + err.Error()}
	}
	return err
}

// pushGroup sends the pushes of one shop that run at the same time together (a group commit,
// as the webhooks' jobs are enqueued): the first caller waits PushGather for others to join,
// pushes up to PushBatchSize of them in one PushMany, hands each its outcome, and passes the
// lead to a caller that arrived meanwhile. Nothing is held that a crash would lose: each caller
// is a job that stays until its own outcome is in.
type pushGroup struct {
	svc *Service

	mu    sync.Mutex
	shops map[string]*shopPushes
}

type shopPushes struct {
	pending  []*pushWaiter
	flushing bool
}

type pushWaiter struct {
	a    PushArgs
	done chan error
	lead chan struct{}
}

func (g *pushGroup) add(ctx context.Context, a PushArgs) error {
	w := &pushWaiter{a: a, done: make(chan error, 1), lead: make(chan struct{}, 1)}
	g.mu.Lock()
	if g.shops == nil {
		g.shops = map[string]*shopPushes{}
	}
	sp := g.shops[a.ShopID]
	if sp == nil {
		sp = &shopPushes{}
		g.shops[a.ShopID] = sp
	}
	sp.pending = append(sp.pending, w)
	if !sp.flushing {
		sp.flushing = true
		g.mu.Unlock()
		return g.flush(ctx, a.ShopID, sp, w)
	}
	g.mu.Unlock()
	select {
	case err := <-w.done:
		return err
	case <-w.lead:
		return g.flush(ctx, a.ShopID, sp, w)
	}
}

// flush pushes the first pending group of the shop (w's among them) and passes the lead on.
func (g *pushGroup) flush(ctx context.Context, shop string, sp *shopPushes, w *pushWaiter) error {
	if d := g.svc.cfg.PushGather; d > 0 {
		t := time.NewTimer(d) // a linger for the others to join, not business time
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
	}
	g.mu.Lock()
	n := min(len(sp.pending), g.svc.cfg.PushBatchSize)
	group := sp.pending[:n:n]
	sp.pending = sp.pending[n:]
	g.mu.Unlock()
	args := make([]PushArgs, len(group))
	for i, x := range group {
		args[i] = x.a
	}
	errs := g.svc.PushMany(ctx, shop, args)
	for i, x := range group {
		x.done <- errs[i]
	}
	g.mu.Lock()
	if len(sp.pending) > 0 {
		next := sp.pending[0]
		g.mu.Unlock()
		next.lead <- struct{}{}
	} else {
		sp.flushing = false
		delete(g.shops, shop)
		g.mu.Unlock()
	}
	return <-w.done
}
