package shipping

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/inventory"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/store"
)

// Result is an order's shipping after a ship call: its live shipments, one per package.
type Result struct {
	Order     model.Order      `json:"-"`
	Shipments []model.Shipment `json:"shipments"`
	// Already: every package had its label before this call; nothing was bought.
	Already bool `json:"-"`
}

// batchRef ties a ship run to its batch item, whose outcome is written with the last change.
type batchRef struct {
	id  string
	seq int
}

// Ship ships one order now (POST /v1/orders/{id}/ship): it confirms (with opt.Confirm),
// allocates, packs, rates and buys a label for every package that has none, and answers with
// the order's live shipments. Shipping an order that is already shipped returns its shipments
// and buys nothing. A purchase that fails transiently is retried up to Config.SyncAttempts
// times; if it still fails the error is transient (carrier.IsTransient) and the shipment stays
// created: calling Ship again resumes it with the same idempotency key.
func (s *Service) Ship(ctx context.Context, scope model.Scope, orderID string, opt Options) (Result, error) {
	if err := opt.Validate(); err != nil {
		return Result{}, err
	}
	var res Result
	var err error
	for attempt := 1; ; attempt++ {
		res, err = s.ship(ctx, scope, orderID, opt, nil)
		if err == nil || !carrier.IsTransient(err) || attempt >= s.cfg.SyncAttempts {
			return res, err
		}
		wait := carrier.RetryAfter(err)
		if wait <= 0 {
			wait = time.Duration(attempt) * 250 * time.Millisecond
		}
		if wait > 5*time.Second {
			return res, err // the caller's retry, not this request, should wait that long
		}
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// ship is one pass of the workflow for one order. Every step is idempotent, so a pass that
// fails anywhere may simply run again.
func (s *Service) ship(ctx context.Context, scope model.Scope, orderID string, opt Options, batch *batchRef) (Result, error) {
	o, err := s.d.Store.GetOrder(ctx, scope.ShopIDs, orderID)
	if err != nil {
		return Result{}, err
	}
	if opt.Confirm && o.ConfirmedAt == nil {
		if o, err = s.confirm(ctx, scope, o, opt); err != nil {
			return Result{}, err
		}
	}
	if !slices.Contains(shippableStatuses, o.Status) {
		return s.finishSkipped(ctx, scope, o, batch)
	}
	if err := checkShippable(&o, opt); err != nil {
		return Result{}, err
	}
	if err := s.checkCarrier(o, opt); err != nil {
		return Result{}, err
	}
	if err := s.allocate(ctx, scope, o, opt); err != nil {
		return Result{}, err
	}
	// The shop's warehouses, read once for the plan and the purchases of this pass.
	whs, err := s.warehouses(ctx, o.ShopID)
	if err != nil {
		return Result{}, err
	}
	st, err := s.plan(ctx, scope, o, whs, opt, batch)
	if err != nil {
		return Result{}, err
	}
	already := true
	for _, sh := range st.Shipments {
		if sh.Status != model.ShipmentCreated {
			continue
		}
		already = false
		if st, err = s.buy(ctx, scope, st, sh, whs, batch); err != nil {
			return Result{}, err
		}
	}
	if already && batch != nil {
		// Every package was labelled before: by this batch in an earlier run of the job (a
		// crash after the last purchase), or before the batch.
		return s.finishSkipped(ctx, scope, st.Order, batch)
	}
	return Result{Order: st.Order, Shipments: liveShipments(st.Shipments), Already: already}, nil
}

// checkCarrier refuses a carrier or service the caller named that cannot carry the order, before
// anything is reserved: no account here, not certified in the market (R-SHIP-3), no such service.
func (s *Service) checkCarrier(o model.Order, opt Options) error {
	if opt.Carrier == "" {
		return nil
	}
	c, ok := s.d.Carriers.Get(opt.Carrier)
	if !ok {
		return refuse(o.ID, RefusedNoCarrier, "carrier", false,
			"carrier %q has no account configured here; configured carriers: %s", opt.Carrier, strings.Join(s.d.Carriers.Codes(), ", "))
	}
	if err := s.d.Certification.Check(string(o.Market), opt.Carrier); err != nil {
		return &RefusalError{OrderID: o.ID, Code: RefusedUncertified, Field: "carrier", Message: err.Error(), Err: err}
	}
	if opt.Service != "" {
		if _, ok := carrier.ServiceByCode(c, opt.Service); !ok {
			var codes []string
			for _, sv := range c.Services() {
				codes = append(codes, sv.Code)
			}
			return refuse(o.ID, RefusedNoService, "service", false, "carrier %s has no service %q; its services: %s",
				opt.Carrier, opt.Service, strings.Join(codes, ", "))
		}
	}
	return nil
}

// confirm confirms o for shipping (R-ORD-3).
func (s *Service) confirm(ctx context.Context, scope model.Scope, o model.Order, opt Options) (model.Order, error) {
	now := s.clock()
	return s.d.Store.UpdateOrder(ctx, scope.ShopIDs, o.ID, func(o *model.Order) (bool, error) {
		if o.NeedsAttention {
			return false, checkShippable(o, opt)
		}
		return confirmForShip(o, opt, now, actor(scope))
	})
}

// allocate reserves the order's stock unless it already holds it.
func (s *Service) allocate(ctx context.Context, scope model.Scope, o model.Order, opt Options) error {
	a, err := s.d.Inventory.GetAllocation(ctx, scope, o.ID)
	if err == nil && a.Status != store.AllocationReleased {
		return nil
	}
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return err
	}
	_, err = s.d.Inventory.Allocate(ctx, scope, o.ID, inventory.AllocateOptions{AllowSplit: opt.AllowSplit})
	var ue *inventory.UnallocatableError
	var ae *order.ActionError
	switch {
	case errors.As(err, &ue):
		return &RefusalError{OrderID: o.ID, Code: RefusedNoStock, Field: "lines", State: true, Message: ue.Error(), Err: err}
	case errors.As(err, &ae):
		return &RefusalError{OrderID: o.ID, Code: RefusedStatus, Field: "status", State: true, Message: ae.Error(), Err: err}
	}
	return err
}

// plan gives every package of the order's allocation a live shipment: packages that do not
// exist yet are made (one per warehouse, R-MODE-6), and each package without a live shipment
// gets a new one in status created, with the service chosen for it. Packages that already have
// one keep it.
func (s *Service) plan(ctx context.Context, scope model.Scope, o model.Order, whs map[string]model.Warehouse, opt Options, batch *batchRef) (store.ShippingState, error) {
	orderID := o.ID // o gives the shop and the creation time, which do not change; the step reads the order itself
	var err error
	mode := model.ModeSeller
	if s.d.Modes != nil {
		if mode, err = s.d.Modes.ModeAt(ctx, o.ShopID, o.CreatedAt); err != nil {
			return store.ShippingState{}, fmt.Errorf("shipping mode of shop %s: %w", o.ShopID, err)
		}
	}
	cards, err := s.cards()
	if err != nil {
		return store.ShippingState{}, err
	}
	markets := s.d.Markets
	if s.d.Figures != nil {
		figs, err := s.d.Figures.MarketsOf(ctx, []string{o.ShopID})
		if err != nil {
			return store.ShippingState{}, fmt.Errorf("figures of shop %s: %w", o.ShopID, err)
		}
		markets = figs[o.ShopID]
	}
	now := s.clock()
	return s.d.Shipping.ChangeShipping(ctx, scope.ShopIDs, orderID, func(st store.ShippingState) (store.ShippingChange, error) {
		o := st.Order
		if err := checkShippable(&o, opt); err != nil {
			return store.ShippingChange{}, err
		}
		if st.Allocation == nil || st.Allocation.Status == store.AllocationReleased {
			return store.ShippingChange{}, refuse(o.ID, RefusedNoStock, "lines", true,
				"the order holds no stock; allocate it (POST /v1/orders/%s/allocate)", o.ID)
		}
		var ch store.ShippingChange
		var allocs []model.Allocation
		for _, a := range st.Allocation.Decision.Allocations {
			subs := splitByPacking(a, o.Packing)
			if len(subs) > 1 {
				if err := checkRepacked(o, st, a.WarehouseID, subs); err != nil {
					return ch, err
				}
			}
			allocs = append(allocs, subs...)
		}
		split := len(o.Packing) > 1
		for _, a := range allocs {
			wh, ok := whs[a.WarehouseID]
			if !ok {
				return ch, refuse(o.ID, RefusedWarehouse, "warehouse_id", true, "warehouse %s of the allocation no longer exists", a.WarehouseID)
			}
			pkg := packageOf(st.Packages, a.WarehouseID)
			if split {
				// The marketplace's packages: one of ours per its package, matched by the goods.
				pkg = packageWith(st.Packages, a)
			}
			if pkg != nil && liveShipment(st.Shipments, pkg.ID) != nil {
				continue
			}
			pp, err := planPackage(planInput{order: &o, alloc: a, warehouse: wh, markets: markets, mode: mode, opt: opt,
				cfg: s.cfg, cards: cards, certs: s.d.Certification, carriers: s.d.Carriers, now: now})
			if err != nil {
				return ch, err
			}
			if pkg == nil {
				pp.pkg.ID, pp.pkg.CreatedAt = s.ids.New("pkg", now), now
				if o.COD != nil && o.COD.Amount > 0 && len(st.Packages)+len(ch.NewPackages) == 0 {
					cod := *o.COD // R-MKT-2: the amount travels with the order's first parcel
					pp.pkg.COD = &cod
				}
				ch.NewPackages = append(ch.NewPackages, pp.pkg)
				pkg = &pp.pkg
				if pp.fallback != "" {
					// R-MODE-4: the order's history says why this package ships seller-side.
					order.Record(&o, now, model.EventShippingMode, actor(scope), pp.fallback)
					ch.Order, ch.OrderChanged = o, true
				}
			}
			sh := model.Shipment{ID: s.ids.New("shp", now), ShopID: o.ShopID, OrderID: o.ID, PackageID: pkg.ID,
				Status: model.ShipmentCreated, Mode: pkg.Mode, Carrier: pp.carrier, Service: pp.service, Quote: pp.quote,
				CreatedAt: now, UpdatedAt: now}
			if pkg.Mode == model.ModePlatform && s.d.Platform == nil {
				return ch, refuse(o.ID, RefusedPlatform, "shipping_mode", false,
					"the shop ships under platform logistics (R-MODE-2), but no marketplace connection issues its labels; connect the shop or switch it to seller shipping")
			}
			if batch != nil {
				sh.BatchID = batch.id
			}
			ch.Shipments = append(ch.Shipments, sh)
		}
		return ch, nil
	})
}

// warehouses returns the shop's warehouses by id.
func (s *Service) warehouses(ctx context.Context, shopID string) (map[string]model.Warehouse, error) {
	list, err := s.d.Store.ListWarehouses(ctx, []string{shopID})
	if err != nil {
		return nil, err
	}
	out := make(map[string]model.Warehouse, len(list))
	for _, w := range list {
		out[w.ID] = w
	}
	return out, nil
}

// finishSkipped answers for an order with nothing to ship: in a batch, its item is skipped
// (or shipped, when this batch bought its labels in an earlier run).
func (s *Service) finishSkipped(ctx context.Context, scope model.Scope, o model.Order, batch *batchRef) (Result, error) {
	if batch == nil {
		sh, err := s.d.Shipping.ListShipments(ctx, store.ShipmentQuery{ShopIDs: scope.ShopIDs, OrderID: o.ID, Limit: 1000})
		if err != nil {
			return Result{}, err
		}
		live := liveShipments(sh)
		if len(live) == 0 {
			return Result{}, refuse(o.ID, RefusedStatus, "status", true,
				"an order in status %s does not ship; only AWAITING_SHIPMENT orders do", o.Status)
		}
		return Result{Order: o, Shipments: live, Already: true}, nil
	}
	st, err := s.d.Shipping.ChangeShipping(ctx, scope.ShopIDs, o.ID, func(st store.ShippingState) (store.ShippingChange, error) {
		return store.ShippingChange{BatchItem: doneItem(batch, st)}, nil
	})
	if err != nil {
		return Result{}, err
	}
	return Result{Order: st.Order, Shipments: liveShipments(st.Shipments), Already: true}, nil
}

// doneItem is the batch item of an order with nothing (left) to ship: shipped when this batch
// bought one of its live labels, else skipped, saying why.
func doneItem(batch *batchRef, st store.ShippingState) *model.BatchItem {
	live := liveShipments(st.Shipments)
	item := itemFor(batch, st.Order.ID, live)
	item.Outcome = model.ItemSkipped
	for _, sh := range live {
		if sh.BatchID == batch.id {
			item.Outcome = model.ItemShipped
		}
	}
	if item.Outcome == model.ItemSkipped {
		item.Error = &model.FieldError{Code: "nothing_to_ship", Field: "status",
			Message: fmt.Sprintf("the order is %s with %d live shipment(s): nothing to ship", st.Order.Status, len(live))}
	}
	return item
}

// itemFor is the batch item of an order with its live shipments.
func itemFor(b *batchRef, orderID string, live []model.Shipment) *model.BatchItem {
	item := &model.BatchItem{BatchID: b.id, Seq: b.seq, OrderID: orderID}
	for _, sh := range live {
		item.ShipmentIDs = append(item.ShipmentIDs, sh.ID)
		if sh.TrackingNumber != "" {
			item.TrackingNumbers = append(item.TrackingNumbers, sh.TrackingNumber)
		}
	}
	return item
}

func packageOf(pkgs []model.Package, warehouseID string) *model.Package {
	for i := range pkgs {
		if pkgs[i].WarehouseID == warehouseID {
			return &pkgs[i]
		}
	}
	return nil
}

// packageWith is the order's package from the allocation's warehouse holding exactly its goods.
func packageWith(pkgs []model.Package, a model.Allocation) *model.Package {
	for i := range pkgs {
		if pkgs[i].WarehouseID == a.WarehouseID && sameLines(pkgs[i], a) {
			return &pkgs[i]
		}
	}
	return nil
}

// checkRepacked refuses to ship the marketplace's packages of a warehouse while a package of
// ours from it that they do not match still has a live shipment: the marketplace split or
// combined the order after lastmile began shipping it, and shipping the new packages as well
// would send the goods twice. Void that shipment first; its package is then left behind.
func checkRepacked(o model.Order, st store.ShippingState, warehouseID string, subs []model.Allocation) error {
	for _, p := range st.Packages {
		if p.WarehouseID != warehouseID {
			continue
		}
		sh := liveShipment(st.Shipments, p.ID)
		if sh == nil || slices.ContainsFunc(subs, func(a model.Allocation) bool { return sameLines(p, a) }) {
			continue
		}
		what := "is being labelled"
		if sh.Status.Labelled() {
			what = fmt.Sprintf("has label %s %s", sh.Carrier, sh.TrackingNumber)
		}
		return refuse(o.ID, RefusedRepacked, "packing", true,
			"the marketplace repacked order %s into %d packages after lastmile packed it: package %s %s; void shipment %s (POST /v1/shipments/%s/void) and ship again to pack it as the marketplace does",
			o.ExternalID, len(o.Packing), p.ID, what, sh.ID, sh.ID)
	}
	return nil
}

func packageByID(pkgs []model.Package, id string) (model.Package, int) {
	for i, p := range pkgs {
		if p.ID == id {
			return p, i
		}
	}
	return model.Package{}, -1
}

func liveShipment(shs []model.Shipment, packageID string) *model.Shipment {
	for i := range shs {
		if shs[i].PackageID == packageID && shs[i].Status.Live() {
			return &shs[i]
		}
	}
	return nil
}

func liveShipments(shs []model.Shipment) []model.Shipment {
	out := []model.Shipment{}
	for _, sh := range shs {
		if sh.Status.Live() {
			out = append(out, sh)
		}
	}
	return out
}

// allLabelled reports whether every package of st has a labelled live shipment.
// currentPackages are the order's packages but those the marketplace's repacking superseded:
// made before the split, their shipment voided, matching none of the packages the order now
// ships in (checkRepacked). They ship nothing and wait for nothing.
func currentPackages(st store.ShippingState) []model.Package {
	if len(st.Order.Packing) < 2 || st.Allocation == nil {
		return st.Packages
	}
	var subs []model.Allocation
	for _, a := range st.Allocation.Decision.Allocations {
		subs = append(subs, splitByPacking(a, st.Order.Packing)...)
	}
	out := make([]model.Package, 0, len(st.Packages))
	for _, p := range st.Packages {
		if liveShipment(st.Shipments, p.ID) == nil && !slices.ContainsFunc(subs, func(a model.Allocation) bool {
			return a.WarehouseID == p.WarehouseID && sameLines(p, a)
		}) {
			continue
		}
		out = append(out, p)
	}
	return out
}

func allLabelled(pkgs []model.Package, shs []model.Shipment) bool {
	for _, p := range pkgs {
		sh := liveShipment(shs, p.ID)
		if sh == nil || !sh.Status.Labelled() {
			return false
		}
	}
	return len(pkgs) > 0
}

// Shipment returns a shipment.
func (s *Service) Shipment(ctx context.Context, scope model.Scope, id string) (model.Shipment, error) {
	return s.d.Shipping.GetShipment(ctx, scope.ShopIDs, id)
}

// Shipments lists shipments; q.ShopIDs is the caller's scope.
func (s *Service) Shipments(ctx context.Context, q store.ShipmentQuery) ([]model.Shipment, error) {
	return s.d.Shipping.ListShipments(ctx, q)
}
