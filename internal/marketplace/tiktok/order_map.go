package tiktok

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"lastmile/internal/model"
)

// The platform's deadline fields on an order, the keys of Mapped.Deadlines.
const (
	DeadlineRTSSLA        = "rts_sla_time"          // latest ship (ready to ship)
	DeadlineTTSSLA        = "tts_sla_time"          // latest collection by the carrier
	DeadlineShippingDue   = "shipping_due_time"     // auto-cancel unless AWAITING_COLLECTION by then
	DeadlineCollectionDue = "collection_due_time"   // collection due
	DeadlineDeliveryDue   = "delivery_due_time"     // delivery due
	DeadlineDeliverySLA   = "delivery_sla_time"     // on-time delivery
	DeadlineCancelOrder   = "cancel_order_sla_time" // answer the buyer's cancellation request (R-ORD-4)
)

// The platform's milestone fields on an order, the keys of Mapped.Milestones.
const (
	MilestonePaid       = "paid_time"
	MilestoneRTS        = "rts_time"
	MilestoneCollection = "collection_time"
	MilestoneDelivery   = "delivery_time"
	MilestoneCancel     = "cancel_time"
)

// Mapped is a platform order mapped onto lastmile's order, with what model.Order has no field
// for yet: the platform's deadlines for the SLA clocks, its milestones, the fulfilment and
// shipping types, the packages and which line items make each line.
type Mapped struct {
	Order model.Order
	// Deadlines holds the platform's deadlines that are set on the order, by field name
	// (DeadlineRTSSLA…), in UTC.
	Deadlines map[string]time.Time
	// Milestones holds the platform's milestone times that are set (MilestonePaid…), in UTC.
	Milestones map[string]time.Time
	// FulfillmentType is FULFILLMENT_BY_SELLER or FULFILLMENT_BY_TIKTOK (FBT orders are the
	// platform's to ship).
	FulfillmentType string
	// ShippingType is TIKTOK (platform logistics: ship with a handover method, print the
	// platform's label) or SELLER (seller shipping: upload the tracking number), R-MODE-2.
	ShippingType string
	// PackageIDs are the order's packages, in the platform's order.
	PackageIDs []string
	// LineItemIDs[i] are the platform line items that make Order.Lines[i] (one per unit).
	LineItemIDs [][]string
	// LinePackageIDs[i] is the package of Order.Lines[i]'s first line item.
	LinePackageIDs []string
	// OnHold is the platform's is_on_hold_order.
	OnHold bool
	// BuyerMessage is the buyer's note to the seller.
	BuyerMessage string
	// DeliveryOptionID names the delivery option, whose shipping providers a seller-shipped
	// package may use (ShippingProviders).
	DeliveryOptionID string
	// TrackingNumber and ShippingProviderID are the order's shipment, once shipped.
	TrackingNumber, ShippingProviderID string
}

// MapStatus maps a platform order status onto lastmile's, accepting the webhooks' CANCEL for
// CANCELLED.
func MapStatus(s string) (model.Status, error) {
	if s == OrderCancelWebhook {
		return model.StatusCancelled, nil
	}
	st := model.Status(s)
	if !st.Valid() {
		return "", fmt.Errorf("order status %q is not one of the platform's (%v)", s, model.Statuses)
	}
	return st, nil
}

// ToOrder maps a platform order of shop shopID onto lastmile's order. It is pure: no I/O, no
// clock. The market is the recipient's region code (UK read as GB); buyer and address come from
// the recipient address, its district levels giving the region (state, province) and the city;
// line items of the same SKU at the same price become one line whose quantity counts them
// (the platform lists one line item per unit), cancelled items are left out while any item is
// not cancelled; prices are read exactly into minor units; a COD order collects the payment's
// total (R-MKT-2). Every problem is reported at once, as a *model.ValidationError naming the
// platform's field.
func ToOrder(p Order, shopID string) (Mapped, error) {
	var pr mapProblems
	m := Mapped{
		FulfillmentType: p.FulfillmentType, ShippingType: p.ShippingType, OnHold: p.IsOnHoldOrder,
		BuyerMessage: p.BuyerMessage, DeliveryOptionID: p.DeliveryOptionID,
		TrackingNumber: p.TrackingNumber, ShippingProviderID: p.ShippingProviderID,
	}
	o := &m.Order
	o.ShopID = shopID
	o.ExternalID = strings.TrimSpace(p.ID)
	if o.ExternalID == "" {
		pr.add("missing_field", "id", "the order has no id")
	}
	st, err := MapStatus(p.Status)
	if err != nil {
		pr.add("status_unknown", "status", err.Error())
	}
	o.Status = st

	o.CreatedAt = unixTime(p.CreateTime)
	if p.CreateTime <= 0 {
		pr.add("missing_field", "create_time", "the order has no create_time")
	}
	o.UpdatedAt = unixTime(p.UpdateTime)
	if p.UpdateTime <= 0 {
		o.UpdatedAt = o.CreatedAt
	}
	if p.PaidTime > 0 {
		t := unixTime(p.PaidTime)
		o.PaidAt = &t
	}
	m.Deadlines = make(map[string]time.Time, 7)
	for _, d := range []struct {
		k string
		v int64
	}{{DeadlineRTSSLA, p.RTSSLATime}, {DeadlineTTSSLA, p.TTSSLATime}, {DeadlineShippingDue, p.ShippingDueTime},
		{DeadlineCollectionDue, p.CollectionDueTime}, {DeadlineDeliveryDue, p.DeliveryDueTime},
		{DeadlineDeliverySLA, p.DeliverySLATime}, {DeadlineCancelOrder, p.CancelOrderSLATime}} {
		if d.v > 0 {
			m.Deadlines[d.k] = unixTime(d.v)
		}
	}
	m.Milestones = make(map[string]time.Time, 5)
	for _, d := range []struct {
		k string
		v int64
	}{{MilestonePaid, p.PaidTime}, {MilestoneRTS, p.RTSTime}, {MilestoneCollection, p.CollectionTime},
		{MilestoneDelivery, p.DeliveryTime}, {MilestoneCancel, p.CancelTime}} {
		if d.v > 0 {
			m.Milestones[d.k] = unixTime(d.v)
		}
	}
	if o.Status == model.StatusCancelled {
		o.CancelReason = p.CancelReason
	}

	a := p.RecipientAddress
	o.Market = model.NormalizeMarket(a.RegionCode)
	if o.Market == "" {
		pr.add("missing_field", "recipient_address.region_code", "the recipient address has no region_code (the buyer's country)")
	}
	o.ShippingAddress = mapAddress(a, o.Market)
	o.Buyer = model.Buyer{Name: o.ShippingAddress.Name, Email: strings.TrimSpace(p.BuyerEmail), Phone: o.ShippingAddress.Phone}

	o.Currency = strings.ToUpper(strings.TrimSpace(p.Payment.Currency))
	if o.Currency == "" && len(p.LineItems) > 0 {
		o.Currency = strings.ToUpper(strings.TrimSpace(p.LineItems[0].Currency))
	}
	scale, ok := model.CurrencyScale(o.Currency)
	if !ok {
		pr.add("currency_unknown", "payment.currency", fmt.Sprintf("currency %q is not an ISO 4217 code", p.Payment.Currency))
	}
	mapLines(&m, p.LineItems, scale, ok, &pr)
	if p.IsCOD && ok {
		amt, err := parseMinor(p.Payment.TotalAmount, scale, o.Currency)
		if err != nil {
			pr.add("amount_format", "payment.total_amount", "a cash-on-delivery order needs the amount to collect: "+err.Error())
		} else {
			o.COD = &model.Money{Amount: amt, Currency: o.Currency}
		}
	}
	for _, pk := range p.Packages {
		if pk.ID != "" {
			m.PackageIDs = append(m.PackageIDs, pk.ID)
		}
	}
	o.Packing = packing(m.PackageIDs, p.LineItems)
	if err := pr.err(); err != nil {
		return Mapped{}, err
	}
	return m, nil
}

// mapLines groups the line items into lines.
func mapLines(m *Mapped, items []LineItem, scale int, currencyOK bool, pr *mapProblems) {
	o := &m.Order
	allCancelled := true
	for _, it := range items {
		if !cancelledItem(it) {
			allCancelled = false
		}
	}
	// keys[j] is line j's SKU, price and name; orders have a few lines, so a scan beats a map.
	type key struct{ sku, price, name string }
	keys := make([]key, 0, len(items))
	for i, it := range items {
		if cancelledItem(it) && !allCancelled {
			continue
		}
		f := func() string { return "line_items[" + strconv.Itoa(i) + "]." }
		sku := strings.TrimSpace(it.SellerSKU)
		if sku == "" {
			sku = strings.TrimSpace(it.SKUID)
		}
		if sku == "" {
			pr.add("missing_field", f()+"seller_sku", "the line item has neither seller_sku nor sku_id")
		}
		qty := it.Quantity
		switch {
		case qty == 0:
			qty = 1
		case qty < 0 || qty > 1_000_000:
			pr.add("out_of_range", f()+"quantity", fmt.Sprintf("quantity %d: want 1 or more", it.Quantity))
			qty = 1
		}
		cur := strings.ToUpper(strings.TrimSpace(it.Currency))
		if cur == "" {
			cur = o.Currency
		}
		if cur != o.Currency {
			pr.add("currency_mismatch", f()+"currency", fmt.Sprintf("line item currency %s differs from the payment's %s", cur, o.Currency))
		}
		var price int64
		if currencyOK {
			var err error
			if price, err = parseMinor(it.SalePrice, scale, o.Currency); err != nil {
				pr.add("amount_format", f()+"sale_price", err.Error())
			}
		}
		name := strings.TrimSpace(it.ProductName)
		if sn := strings.TrimSpace(it.SKUName); sn != "" {
			if name != "" {
				name += " (" + sn + ")"
			} else {
				name = sn
			}
		}
		k := key{sku, it.SalePrice, name}
		j := slices.Index(keys, k)
		if j < 0 {
			j = len(o.Lines)
			keys = append(keys, k)
			o.Lines = append(o.Lines, model.Line{SKU: sku, Name: name, UnitPrice: model.Money{Amount: price, Currency: o.Currency}})
			m.LineItemIDs = append(m.LineItemIDs, nil)
			m.LinePackageIDs = append(m.LinePackageIDs, it.PackageID)
		}
		o.Lines[j].Quantity += qty
		m.LineItemIDs[j] = append(m.LineItemIDs[j], it.ID)
	}
	if len(o.Lines) == 0 {
		pr.add("missing_field", "line_items", "the order has no line items")
	}
}

// packing is the order's packages with their SKUs and quantities, when the platform packed it
// in two or more (a split, webhook type 4); nil for one package, which needs no instruction.
func packing(ids []string, items []LineItem) []model.PackingGroup {
	if len(ids) < 2 {
		return nil
	}
	out := make([]model.PackingGroup, 0, len(ids))
	for _, id := range ids {
		g := model.PackingGroup{ExternalID: id}
		for _, it := range items {
			if it.PackageID != id || cancelledItem(it) {
				continue
			}
			sku := strings.TrimSpace(it.SellerSKU)
			if sku == "" {
				sku = strings.TrimSpace(it.SKUID)
			}
			qty := max(it.Quantity, 1)
			if j := slices.IndexFunc(g.Lines, func(l model.PackageLine) bool { return l.SKU == sku }); j >= 0 {
				g.Lines[j].Quantity += qty
			} else {
				g.Lines = append(g.Lines, model.PackageLine{SKU: sku, Quantity: qty})
			}
		}
		if len(g.Lines) > 0 {
			out = append(out, g)
		}
	}
	if len(out) < 2 {
		return nil
	}
	return out
}

func cancelledItem(it LineItem) bool {
	return it.PackageStatus == LineCancelled || it.DisplayStatus == OrderCancelled
}

// mapAddress maps the recipient address. Region is the district level named state, province,
// region or prefecture (else the first level below the country); City the level named city,
// town, post town or municipality (else the deepest level below the region).
func mapAddress(a RecipientAddress, market model.Market) model.Address {
	name := strings.TrimSpace(a.Name)
	if name == "" {
		name = strings.TrimSpace(strings.TrimSpace(a.FirstName) + " " + strings.TrimSpace(a.LastName))
	}
	line1 := strings.TrimSpace(a.AddressLine1)
	if line1 == "" {
		line1 = strings.TrimSpace(a.AddressDetail)
	}
	var rest []string
	for _, l := range []string{a.AddressLine2, a.AddressLine3, a.AddressLine4} {
		if l = strings.TrimSpace(l); l != "" {
			rest = append(rest, l)
		}
	}
	var levels []District
	for _, d := range a.DistrictInfo {
		n := strings.ToLower(strings.TrimSpace(d.AddressLevelName))
		if n == "country" || d.AddressLevel == "L0" || strings.TrimSpace(d.AddressName) == "" {
			continue
		}
		levels = append(levels, d)
	}
	region, city := -1, -1
	for i, d := range levels {
		switch strings.ToLower(strings.TrimSpace(d.AddressLevelName)) {
		case "state", "province", "region", "prefecture":
			if region < 0 {
				region = i
			}
		case "city", "town", "post town", "municipality":
			if city < 0 {
				city = i
			}
		}
	}
	if region < 0 && len(levels) > 1 {
		region = 0
	}
	if city < 0 && len(levels) > 0 && len(levels)-1 != region {
		city = len(levels) - 1
	}
	out := model.Address{Name: name, Line1: line1, Line2: strings.Join(rest, ", "), PostalCode: strings.TrimSpace(a.PostalCode),
		Country: string(market), Phone: strings.TrimSpace(a.PhoneNumber)}
	if region >= 0 {
		out.Region = strings.TrimSpace(levels[region].AddressName)
	}
	if city >= 0 {
		out.City = strings.TrimSpace(levels[city].AddressName)
	}
	return out
}

func unixTime(s int64) time.Time {
	if s <= 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

// mapProblems collects the problems of one mapping.
type mapProblems []model.FieldError

func (p *mapProblems) add(code, field, msg string) {
	*p = append(*p, model.FieldError{Code: code, Field: field, Message: msg})
}

func (p mapProblems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &model.ValidationError{Problems: p}
}
