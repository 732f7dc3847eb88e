package sim

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"lastmile/internal/marketplace/tiktok"
)

// platformProvider is the carrier of platform-logistics packages.
var platformProvider = provider{ID: stableID("provider/TikTok Shipping", 19), Name: "TikTok Shipping"}

// MaxShipBatch is the most packages one POST packages/ship takes. The platform's documentation
// as collected names no figure; 50 is its bound on its other many-item calls (50 order ids, 50
// packages a page), and lastmile's pushes keep to it.
const MaxShipBatch = 50

// updateWindow is how long after shipping a seller may replace the tracking number.
const updateWindow = 72 * time.Hour

type wireSelfShipment struct {
	ShippingProviderID string `json:"shipping_provider_id"`
	TrackingNumber     string `json:"tracking_number"`
}

type wireShipBody struct {
	HandoverMethod string `json:"handover_method"`
	PickupSlot     *struct {
		StartTime int64 `json:"start_time"`
		EndTime   int64 `json:"end_time"`
	} `json:"pickup_slot"`
	SelfShipment *wireSelfShipment `json:"self_shipment"`
}

// keptByPlatform reports whether the platform keeps a tracking number: ASCII letters, digits
// and hyphens, 1 to 64 of them. Anything else (a space, a full-width bracket) is dropped
// without an error: R-SHIP-4.
func keptByPlatform(n string) bool {
	if len(n) == 0 || len(n) > 64 {
		return false
	}
	for _, r := range n {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-') {
			return false
		}
	}
	return true
}

// shipPackage ships package id of shop sh.
func (s *Sim) shipPackage(sh *shopState, id string, b wireShipBody, now time.Time) *apiErr {
	p := s.pkgs[id]
	if p == nil || p.order.shop != sh {
		return errNotFound("no package %q in this shop", id)
	}
	o := p.order
	switch {
	case o.w.Status == tiktok.OrderCancelled:
		return errConflict("package %s: the order %s is cancelled", id, o.w.ID)
	case p.state != pkgToShip:
		return errConflict("package %s has already shipped", id)
	case b.SelfShipment == nil && b.HandoverMethod == "":
		return errParam("give handover_method (platform logistics) or self_shipment (seller shipping)")
	case b.SelfShipment != nil && b.HandoverMethod != "":
		return errParam("give handover_method or self_shipment, not both")
	}
	s.stats.Ships++
	if b.SelfShipment != nil {
		if p.shippingType != tiktok.ShippingTypeSeller {
			return errConflict("package %s ships with platform logistics: ship it with handover_method, not self_shipment", id)
		}
		pr, ok := findProvider(sh.providers, b.SelfShipment.ShippingProviderID)
		if !ok {
			return errParam("self_shipment.shipping_provider_id %q is not a shipping provider of delivery option %s", b.SelfShipment.ShippingProviderID, sh.deliveryOptionID)
		}
		if !keptByPlatform(b.SelfShipment.TrackingNumber) {
			// R-SHIP-4: answered as a success, the number silently dropped, the order left
			// AWAITING_SHIPMENT.
			s.stats.TrackingDropped++
			return nil
		}
		p.tracking, p.providerID, p.providerName = b.SelfShipment.TrackingNumber, pr.ID, pr.Name
	} else {
		if p.shippingType != tiktok.ShippingTypeTikTok {
			return errConflict("package %s is seller-shipped: give self_shipment with the carrier and tracking number", id)
		}
		if b.HandoverMethod != tiktok.HandoverPickup && b.HandoverMethod != tiktok.HandoverDropOff {
			return errParam("handover_method %q: want PICKUP or DROP_OFF", b.HandoverMethod)
		}
		p.handover = b.HandoverMethod
		p.tracking = fmt.Sprintf("TT%014d", (s.idBase+s.seq)%100_000_000_000_000)
		s.seq++
		p.providerID, p.providerName = platformProvider.ID, platformProvider.Name
	}
	p.shippedAt = now
	s.setPackage(p, pkgAwaitingCollection, now)
	if o.w.RTSTime == 0 {
		o.w.RTSTime = now.Unix()
	}
	if o.w.TrackingNumber == "" {
		o.w.TrackingNumber, o.w.ShippingProviderID, o.w.ShippingProvider = p.tracking, p.providerID, p.providerName
	}
	s.schedule(now.Add(s.opts.CollectAfter), timerCollect, o, p)
	s.derive(o, now)
	return nil
}

func findProvider(list []provider, id string) (provider, bool) {
	for _, p := range list {
		if p.ID == id {
			return p, true
		}
	}
	return provider{}, false
}

// handleShip is POST /fulfillment/202309/packages/{id}/ship.
func (s *Sim) handleShip(c *call) (any, *apiErr) {
	var b wireShipBody
	if e := c.decode(&b); e != nil {
		return nil, e
	}
	return nil, s.shipPackage(c.shop, c.r.PathValue("id"), b, c.now)
}

// handleBatchShip is POST /fulfillment/202309/packages/ship: code 0, with the packages that
// failed in data.errors[] ({code, message, detail: {package_id}}); the others shipped. An
// illegal tracking number is not an error here either: it is dropped silently (R-SHIP-4), its
// package left to ship.
func (s *Sim) handleBatchShip(c *call) (any, *apiErr) {
	var b struct {
		Packages []struct {
			ID string `json:"id"`
			wireShipBody
		} `json:"packages"`
	}
	if e := c.decode(&b); e != nil {
		return nil, e
	}
	switch {
	case len(b.Packages) == 0:
		return nil, errParam("packages is required: the packages to ship")
	case len(b.Packages) > MaxShipBatch:
		return nil, errParam("packages: %d packages, at most %d a call; split them", len(b.Packages), MaxShipBatch)
	}
	s.stats.BatchShipCalls++
	type detail struct {
		PackageID string `json:"package_id"`
	}
	type itemErr struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Detail  detail `json:"detail"`
	}
	out := struct {
		Errors []itemErr `json:"errors"`
	}{Errors: []itemErr{}}
	for _, it := range b.Packages {
		e := s.itemFault(it.ID)
		if e == nil {
			e = s.shipPackage(c.shop, it.ID, it.wireShipBody, c.now)
		}
		if e != nil {
			out.Errors = append(out.Errors, itemErr{Code: e.code, Message: e.msg, Detail: detail{PackageID: it.ID}})
		}
	}
	return out, nil
}

// handleShippingInfoUpdate is POST /fulfillment/202309/packages/{id}/shipping_info/update:
// replace a seller-shipped package's tracking number within 72 h of shipping.
func (s *Sim) handleShippingInfoUpdate(c *call) (any, *apiErr) {
	var b wireSelfShipment
	if e := c.decode(&b); e != nil {
		return nil, e
	}
	id := c.r.PathValue("id")
	p := s.pkgs[id]
	switch {
	case p == nil || p.order.shop != c.shop:
		return nil, errNotFound("no package %q in this shop", id)
	case p.shippingType != tiktok.ShippingTypeSeller:
		return nil, errConflict("package %s ships with platform logistics: its tracking number is the platform's", id)
	case p.state != pkgAwaitingCollection && p.state != pkgInTransit:
		return nil, errConflict("package %s has not shipped (or is delivered or cancelled): ship it first", id)
	case c.now.Sub(p.shippedAt) > updateWindow:
		return nil, errConflict("package %s shipped more than 72 h ago: its tracking number can no longer change", id)
	}
	pr, ok := findProvider(c.shop.providers, b.ShippingProviderID)
	if !ok {
		return nil, errParam("shipping_provider_id %q is not a shipping provider of delivery option %s", b.ShippingProviderID, c.shop.deliveryOptionID)
	}
	if !keptByPlatform(b.TrackingNumber) {
		s.stats.TrackingDropped++ // R-SHIP-4: silently dropped
		return nil, nil
	}
	p.tracking, p.providerID, p.providerName = b.TrackingNumber, pr.ID, pr.Name
	s.setPackage(p, p.state, c.now)
	o := p.order
	if len(o.pkgs) > 0 && o.pkgs[0] == p {
		o.w.TrackingNumber, o.w.ShippingProviderID, o.w.ShippingProvider = p.tracking, p.providerID, p.providerName
	}
	s.touch(o, c.now)
	s.stats.ShippingInfoUpdates++
	return nil, nil
}

// handleShippingDocuments is GET /fulfillment/202309/packages/{id}/shipping_documents: the
// A6 PDF label of a platform-logistics package after it shipped, as a doc_url valid 24 h.
func (s *Sim) handleShippingDocuments(c *call) (any, *apiErr) {
	id := c.r.PathValue("id")
	p := s.pkgs[id]
	if p == nil || p.order.shop != c.shop {
		return nil, errNotFound("no package %q in this shop", id)
	}
	switch t := c.q.Get("document_type"); t {
	case tiktok.DocumentShippingLabel:
	case "":
		return nil, errParam("document_type is required: SHIPPING_LABEL")
	default:
		return nil, errParam("document_type %q: the sim issues SHIPPING_LABEL only", t)
	}
	switch z := c.q.Get("document_size"); z {
	case "", tiktok.DocumentSizeA6:
	default:
		return nil, errParam("document_size %q: the sim makes A6 only", z)
	}
	switch f := c.q.Get("document_format"); f {
	case "", tiktok.DocumentFormatPDF:
	case tiktok.DocumentFormatZPL:
		return nil, errParam("document_format ZPL is offered in BR and MX only")
	default:
		return nil, errParam("document_format %q: want PDF", f)
	}
	switch {
	case p.shippingType != tiktok.ShippingTypeTikTok:
		return nil, errConflict("package %s is seller-shipped: the platform issues no label for it", id)
	case p.state == pkgToShip:
		return nil, errConflict("package %s has not shipped: ship it (handover_method) first", id)
	case p.state == pkgCancelled:
		return nil, errConflict("package %s is cancelled", id)
	}
	l, e := s.platformLabel(p)
	if e != nil {
		return nil, e
	}
	token := s.randomToken(24)
	s.docs[token] = &document{label: l, expires: c.now.Add(s.opts.DocumentTTL)}
	s.stats.Documents++
	return struct {
		DocURL         string `json:"doc_url"`
		TrackingNumber string `json:"tracking_number"`
	}{DocURL: s.url + "/sim/documents/" + token, TrackingNumber: p.tracking}, nil
}

// wirePackage is a package's detail.
type wirePackage struct {
	ID                   string           `json:"id"`
	PackageStatus        string           `json:"package_status"`
	ShippingType         string           `json:"shipping_type"`
	HandoverMethod       string           `json:"handover_method,omitempty"`
	TrackingNumber       string           `json:"tracking_number,omitempty"`
	ShippingProviderID   string           `json:"shipping_provider_id,omitempty"`
	ShippingProviderName string           `json:"shipping_provider_name,omitempty"`
	OrderID              string           `json:"order_id"`
	Orders               []wirePackageRef `json:"orders"`
	OrderLineItemIDs     []string         `json:"order_line_item_ids"`
	CreateTime           int64            `json:"create_time"`
	UpdateTime           int64            `json:"update_time"`
}

func packageOf(p *pkg) wirePackage {
	w := wirePackage{ID: p.id, PackageStatus: p.state.packageStatus(), ShippingType: p.shippingType, HandoverMethod: p.handover,
		TrackingNumber: p.tracking, ShippingProviderID: p.providerID, ShippingProviderName: p.providerName,
		OrderID: p.order.w.ID, Orders: []wirePackageRef{{ID: p.order.w.ID}}, OrderLineItemIDs: []string{},
		CreateTime: p.createTime, UpdateTime: p.updateTime}
	for _, i := range p.items {
		w.OrderLineItemIDs = append(w.OrderLineItemIDs, p.order.w.LineItems[i].ID)
	}
	return w
}

// handlePackageDetail is GET /fulfillment/202309/packages/{id}.
func (s *Sim) handlePackageDetail(c *call) (any, *apiErr) {
	id := c.r.PathValue("id")
	p := s.pkgs[id]
	if p == nil || p.order.shop != c.shop {
		return nil, errNotFound("no package %q in this shop", id)
	}
	return packageOf(p), nil
}

// handlePackageSearch is POST /fulfillment/202309/packages/search: page_size 1 to 50, sorted
// by create_time (default) or update_time.
func (s *Sim) handlePackageSearch(c *call) (any, *apiErr) {
	size, token, field, desc, e := c.pageParams(tiktok.MaxPackagePageSize, "create_time", "update_time")
	if e != nil {
		return nil, e
	}
	var b struct {
		PackageStatus string `json:"package_status"`
		CreateTimeGE  int64  `json:"create_time_ge"`
		CreateTimeLT  int64  `json:"create_time_lt"`
		UpdateTimeGE  int64  `json:"update_time_ge"`
		UpdateTimeLT  int64  `json:"update_time_lt"`
	}
	if e := c.decode(&b); e != nil {
		return nil, e
	}
	switch b.PackageStatus {
	case "", tiktok.PackageStatusProcessing, tiktok.PackageStatusFulfilling, tiktok.PackageStatusCompleted, tiktok.PackageStatusCancelled:
	default:
		return nil, errParam("package_status %q: want PROCESSING, FULFILLING, COMPLETED or CANCELLED", b.PackageStatus)
	}
	in := func(v, ge, lt int64) bool { return (ge <= 0 || v >= ge) && (lt <= 0 || v < lt) }
	key := func(p *pkg) int64 {
		if field == "update_time" {
			return p.updateTime
		}
		return p.createTime
	}
	var list []*pkg
	for _, o := range c.shop.byCreate {
		for _, p := range o.pkgs {
			if (b.PackageStatus == "" || p.state.packageStatus() == b.PackageStatus) &&
				in(p.createTime, b.CreateTimeGE, b.CreateTimeLT) && in(p.updateTime, b.UpdateTimeGE, b.UpdateTimeLT) {
				list = append(list, p)
			}
		}
	}
	slices.SortFunc(list, func(x, y *pkg) int {
		if c := cmp.Compare(key(x), key(y)); c != 0 {
			return c
		}
		return cmp.Compare(x.id, y.id)
	})
	if desc {
		slices.Reverse(list)
	}
	start := 0
	if token != "" {
		k, id, ok := parsePageToken(token)
		if !ok {
			return nil, errParam("page_token %q is not one this API gave", token)
		}
		start = len(list)
		for i, p := range list {
			after := key(p) > k || (key(p) == k && p.id > id)
			if desc {
				after = key(p) < k || (key(p) == k && p.id < id)
			}
			if after {
				start = i
				break
			}
		}
	}
	out := struct {
		Packages      []wirePackage `json:"packages"`
		NextPageToken string        `json:"next_page_token"`
		TotalCount    int           `json:"total_count"`
	}{Packages: []wirePackage{}, TotalCount: len(list)}
	end := min(len(list), start+size)
	for _, p := range list[start:end] {
		out.Packages = append(out.Packages, packageOf(p))
	}
	if end < len(list) && end > start {
		last := list[end-1]
		out.NextPageToken = pageToken(key(last), last.id)
	}
	return out, nil
}

// handleProviders is GET /logistics/202309/delivery_options/{id}/shipping_providers.
func (s *Sim) handleProviders(c *call) (any, *apiErr) {
	if id := c.r.PathValue("id"); id != c.shop.deliveryOptionID {
		return nil, errNotFound("no delivery option %q in this shop (its orders name %s)", id, c.shop.deliveryOptionID)
	}
	return struct {
		ShippingProviders []provider `json:"shipping_providers"`
	}{ShippingProviders: c.shop.providers}, nil
}
