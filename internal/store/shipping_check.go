package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"lastmile/internal/model"
)

// TextCheck collects the fields whose text no store can keep: PostgreSQL refuses a NUL byte in
// text and jsonb, and bytes that are not UTF-8. Drivers check every string they are given with
// it, so that such input is a *model.ValidationError naming the field on every store rather
// than a database error (a 500) on one of them.
type TextCheck struct {
	problems []model.FieldError
}

// Add checks the value of field.
func (c *TextCheck) Add(field, value string) {
	switch {
	case strings.IndexByte(value, 0) >= 0:
		c.problems = append(c.problems, model.FieldError{Code: "text_nul", Field: field,
			Message: "contains a NUL byte (\\u0000), which cannot be stored: remove it"})
	case !utf8.ValidString(value):
		c.problems = append(c.problems, model.FieldError{Code: "text_encoding", Field: field,
			Message: "is not valid UTF-8: send UTF-8 text"})
	}
}

// AddAll checks each value of a list field, naming them field[i].
func (c *TextCheck) AddAll(field string, values []string) {
	for i, v := range values {
		if strings.IndexByte(v, 0) >= 0 || !utf8.ValidString(v) {
			c.Add(field+"["+strconv.Itoa(i)+"]", v)
		}
	}
}

// AddJSON checks raw, a JSON document, and every string in it: a "\u0000" escape is as
// unstorable in PostgreSQL's jsonb as a NUL byte in text. Empty raw is fine (no document).
func (c *TextCheck) AddJSON(field string, raw json.RawMessage) {
	if len(raw) == 0 {
		return
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		c.problems = append(c.problems, model.FieldError{Code: "json", Field: field,
			Message: "is not valid JSON: " + err.Error()})
		return
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case string:
			c.Add(path, v)
		case []any:
			for i, e := range v {
				walk(path+"["+strconv.Itoa(i)+"]", e)
			}
		case map[string]any:
			for k, e := range v {
				c.Add(path+" key", k)
				walk(path+"."+k, e)
			}
		}
	}
	walk(field, v)
}

// AddFieldError checks the text of a FieldError stored as part of a row.
func (c *TextCheck) AddFieldError(field string, e *model.FieldError) {
	if e == nil {
		return
	}
	c.Add(field+".code", e.Code)
	c.Add(field+".field", e.Field)
	c.Add(field+".message", e.Message)
}

// AddCost checks the text of a cost breakdown.
func (c *TextCheck) AddCost(field string, cost *model.Cost) {
	if cost == nil {
		return
	}
	c.Add(field+".total.currency", cost.Total.Currency)
	for i, l := range cost.Lines {
		p := field + ".lines[" + strconv.Itoa(i) + "]"
		c.Add(p+".kind", l.Kind)
		c.Add(p+".name", l.Name)
	}
}

// Err returns the problems found as a *model.ValidationError, or nil.
func (c *TextCheck) Err() error {
	if len(c.problems) == 0 {
		return nil
	}
	return &model.ValidationError{Problems: c.problems}
}

// CheckText returns a *model.ValidationError when a value cannot be stored as text; pairs are
// field names and their values, e.g. CheckText("id", id, "carrier", carrier).
func CheckText(pairs ...string) error {
	var c TextCheck
	for i := 0; i+1 < len(pairs); i += 2 {
		c.Add(pairs[i], pairs[i+1])
	}
	return c.Err()
}

// CheckScope checks the text of a scope and of the named values: pairs of field and value.
func CheckScope(shopIDs []string, pairs ...string) error {
	var c TextCheck
	c.AddAll("shop_ids", shopIDs)
	for i := 0; i+1 < len(pairs); i += 2 {
		c.Add(pairs[i], pairs[i+1])
	}
	return c.Err()
}

// Clone returns st with slices and an allocation of its own: a driver gives a step a clone, so
// that what the step does to it cannot change the state its change is checked against.
func (st ShippingState) Clone() ShippingState {
	st.Packages, st.Shipments = slices.Clone(st.Packages), slices.Clone(st.Shipments)
	if st.Allocation != nil {
		a := *st.Allocation
		st.Allocation = &a
	}
	return st
}

// Empty reports whether ch writes nothing.
func (ch ShippingChange) Empty() bool {
	return !ch.OrderChanged && len(ch.NewPackages) == 0 && len(ch.Shipments) == 0 && len(ch.Documents) == 0 &&
		ch.BatchItem == nil && len(ch.Jobs) == 0
}

// CheckShippingChange checks that what a shipping step of st returned belongs to st's order and
// can be stored, before a driver writes any of it: the ids and shop of the order, packages,
// shipments and the batch item; shipments of the order's packages, keeping the id, shop, order
// and package they were stored with; documents of the order's shipments; known statuses and
// outcomes; text every store keeps. A problem is an error wrapping model.ErrInvalid.
func CheckShippingChange(st ShippingState, ch ShippingChange) error {
	o := st.Order
	bad := func(format string, args ...any) error {
		return fmt.Errorf("shipping step of order %s: %s: %w", o.ID, fmt.Sprintf(format, args...), model.ErrInvalid)
	}
	if ch.OrderChanged && (ch.Order.ID != o.ID || ch.Order.ShopID != o.ShopID) {
		return bad("the order may not change its id or shop (got %s of %s)", ch.Order.ID, ch.Order.ShopID)
	}
	var text TextCheck
	packages := make(map[string]bool, len(st.Packages)+len(ch.NewPackages))
	for _, p := range st.Packages {
		packages[p.ID] = true
	}
	for i, p := range ch.NewPackages {
		switch {
		case p.ID == "":
			return bad("new package %d has no id", i)
		case packages[p.ID]:
			return bad("package %s is not new", p.ID)
		case p.OrderID != o.ID || p.ShopID != o.ShopID:
			return bad("package %s is of order %s of shop %s", p.ID, p.OrderID, p.ShopID)
		}
		packages[p.ID] = true
		f := "packages[" + strconv.Itoa(i) + "]"
		text.Add(f+".id", p.ID)
		text.Add(f+".warehouse_id", p.WarehouseID)
		text.Add(f+".box", p.Box)
		text.Add(f+".mode", string(p.Mode))
		for j, l := range p.Lines {
			text.Add(f+".lines["+strconv.Itoa(j)+"].sku", l.SKU)
		}
	}
	stored := make(map[string]model.Shipment, len(st.Shipments))
	for _, s := range st.Shipments {
		stored[s.ID] = s
	}
	shipments := make(map[string]bool, len(st.Shipments)+len(ch.Shipments))
	for id := range stored {
		shipments[id] = true
	}
	seen := make(map[string]bool, len(ch.Shipments))
	for i, s := range ch.Shipments {
		switch {
		case s.ID == "":
			return bad("shipment %d has no id", i)
		case seen[s.ID]:
			return bad("shipment %s is in the change twice", s.ID)
		case s.OrderID != o.ID || s.ShopID != o.ShopID:
			return bad("shipment %s is of order %s of shop %s", s.ID, s.OrderID, s.ShopID)
		case !packages[s.PackageID]:
			return bad("shipment %s is of package %q, not one of the order's", s.ID, s.PackageID)
		case !slices.Contains(model.ShipmentStatuses, s.Status):
			return bad("shipment %s has unknown status %q", s.ID, s.Status)
		}
		if old, ok := stored[s.ID]; ok && old.PackageID != s.PackageID {
			return bad("shipment %s may not move from package %s to %s", s.ID, old.PackageID, s.PackageID)
		}
		// A shipment's tracking events are stored and read back by its carrier and tracking
		// number: once it has a number, both stay (a new label is a new shipment).
		if old, ok := stored[s.ID]; ok && old.TrackingNumber != "" && (old.Carrier != s.Carrier || old.TrackingNumber != s.TrackingNumber) {
			return bad("shipment %s may not change its carrier and tracking number %s %s to %s %s (buy a new label as a new shipment)",
				s.ID, old.Carrier, old.TrackingNumber, s.Carrier, s.TrackingNumber)
		}
		seen[s.ID], shipments[s.ID] = true, true
		f := "shipments[" + strconv.Itoa(i) + "]"
		text.Add(f+".id", s.ID)
		text.Add(f+".mode", string(s.Mode))
		text.Add(f+".carrier", s.Carrier)
		text.Add(f+".service", s.Service)
		text.Add(f+".tracking_number", s.TrackingNumber)
		text.Add(f+".carrier_shipment_id", s.CarrierShipmentID)
		text.Add(f+".label_format", s.LabelFormat)
		text.Add(f+".manifest_id", s.ManifestID)
		text.Add(f+".batch_id", s.BatchID)
		text.AddCost(f+".quote", s.Quote)
		text.AddCost(f+".cost", s.Cost)
		text.AddFieldError(f+".failure", s.Failure)
	}
	for i, d := range ch.Documents {
		if !shipments[d.ShipmentID] {
			return bad("label document %d is of shipment %q, not one of the order's", i, d.ShipmentID)
		}
		if err := checkDocument(d, "documents["+strconv.Itoa(i)+"]", &text); err != nil {
			return err
		}
	}
	if it := ch.BatchItem; it != nil {
		if it.OrderID != o.ID {
			return bad("the batch item is of order %s", it.OrderID)
		}
		if err := checkBatchItem(*it, "batch_item", &text); err != nil {
			return fmt.Errorf("shipping step of order %s: %w", o.ID, err)
		}
	}
	if err := text.Err(); err != nil {
		return fmt.Errorf("shipping step of order %s: %w", o.ID, err)
	}
	return ValidateJobs(ch.Jobs)
}

// CheckBatchItem checks an item outcome before it is recorded.
func CheckBatchItem(it model.BatchItem) error {
	var text TextCheck
	if err := checkBatchItem(it, "item", &text); err != nil {
		return err
	}
	return text.Err()
}

func checkBatchItem(it model.BatchItem, field string, text *TextCheck) error {
	if it.BatchID == "" || !validOutcome(it.Outcome) {
		return fmt.Errorf("item %d of batch %q: want a batch id and an outcome of pending, shipped, failed or skipped (got %q): %w",
			it.Seq, it.BatchID, it.Outcome, model.ErrInvalid)
	}
	text.Add(field+".batch_id", it.BatchID)
	text.Add(field+".order_id", it.OrderID)
	text.AddAll(field+".shipment_ids", it.ShipmentIDs)
	text.AddAll(field+".tracking_numbers", it.TrackingNumbers)
	text.AddFieldError(field+".error", it.Error)
	return nil
}

// CheckLabelDocument checks a document before it is stored.
func CheckLabelDocument(d model.LabelDocument) error {
	var text TextCheck
	if err := checkDocument(d, "document", &text); err != nil {
		return err
	}
	return text.Err()
}

func checkDocument(d model.LabelDocument, field string, text *TextCheck) error {
	if d.Format == "" || d.DPI < 0 {
		return fmt.Errorf("label document of shipment %s: want a format and a dpi of 0 or more (got %q, %d): %w",
			d.ShipmentID, d.Format, d.DPI, model.ErrInvalid)
	}
	text.Add(field+".shipment_id", d.ShipmentID)
	text.Add(field+".format", d.Format)
	text.Add(field+".content_type", d.ContentType)
	return nil
}

func validOutcome(o model.ItemOutcome) bool {
	switch o {
	case model.ItemPending, model.ItemShipped, model.ItemFailed, model.ItemSkipped:
		return true
	}
	return false
}

// CheckBatch checks a new batch and its order ids before they are stored.
func CheckBatch(b model.Batch, orderIDs []string) error {
	if b.ID == "" || b.ShopID == "" || b.Kind == "" {
		return fmt.Errorf("batch %q: want an id, a shop and a kind: %w", b.ID, model.ErrInvalid)
	}
	var text TextCheck
	text.Add("id", b.ID)
	text.Add("shop_id", b.ShopID)
	text.Add("kind", b.Kind)
	text.AddJSON("options", b.Options)
	text.AddAll("order_ids", orderIDs)
	if err := text.Err(); err != nil {
		return fmt.Errorf("batch %s: %w", b.ID, err)
	}
	return nil
}

// CheckManifest checks a new manifest before it is stored.
func CheckManifest(m model.Manifest) error {
	if m.ID == "" || m.ShopID == "" || m.Carrier == "" || m.WarehouseID == "" {
		return fmt.Errorf("manifest %q: want an id, a shop, a carrier and a warehouse: %w", m.ID, model.ErrInvalid)
	}
	var text TextCheck
	text.Add("id", m.ID)
	text.Add("shop_id", m.ShopID)
	text.Add("carrier", m.Carrier)
	text.Add("warehouse_id", m.WarehouseID)
	text.Add("ship_date", m.ShipDate)
	text.Add("carrier_ref", m.CarrierRef)
	text.Add("pickup", m.Pickup)
	text.AddAll("shipment_ids", m.ShipmentIDs)
	if err := text.Err(); err != nil {
		return fmt.Errorf("manifest %s: %w", m.ID, err)
	}
	return nil
}

// CheckShipmentQuery checks the text of a shipment query.
func CheckShipmentQuery(q ShipmentQuery) error {
	var text TextCheck
	text.AddAll("shop_ids", q.ShopIDs)
	text.Add("order_id", q.OrderID)
	text.Add("carrier", q.Carrier)
	text.Add("warehouse_id", q.WarehouseID)
	text.Add("batch_id", q.BatchID)
	for i, s := range q.Statuses {
		text.Add("statuses["+strconv.Itoa(i)+"]", string(s))
	}
	if q.After != nil {
		text.Add("after.id", q.After.ID)
	}
	return text.Err()
}

// ShipmentWrite is one shipment of a step to write: an insert, or an update of the stored one.
type ShipmentWrite struct {
	model.Shipment
	Exists bool
}

// ShipmentWrites orders a step's shipments for writing: first the updates that leave their
// package (voided, failed), then the new shipments in the step's order (which becomes their
// creation order), then the other updates. So a step voiding a shipment and creating its
// successor never holds two live shipments of one package between two statements, which the
// schema would refuse.
func ShipmentWrites(st ShippingState, shipments []model.Shipment) []ShipmentWrite {
	stored := make(map[string]bool, len(st.Shipments))
	for _, sh := range st.Shipments {
		stored[sh.ID] = true
	}
	out := make([]ShipmentWrite, 0, len(shipments))
	for _, pass := range []func(sh model.Shipment) bool{
		func(sh model.Shipment) bool { return stored[sh.ID] && !sh.Status.Live() },
		func(sh model.Shipment) bool { return !stored[sh.ID] },
		func(sh model.Shipment) bool { return stored[sh.ID] && sh.Status.Live() },
	} {
		for _, sh := range shipments {
			if pass(sh) {
				out = append(out, ShipmentWrite{Shipment: sh, Exists: stored[sh.ID]})
			}
		}
	}
	return out
}

// SetBatchCounts fills b's counts, status and FinishedAt from the number of its items per
// outcome and the last time an item got an outcome: a batch's items are the only record of its
// progress, so no counter kept apart from them can disagree with them (or become a row every
// worker updates).
func SetBatchCounts(b *model.Batch, counts map[model.ItemOutcome]int, last *time.Time) {
	b.Pending, b.Shipped = counts[model.ItemPending], counts[model.ItemShipped]
	b.Failed, b.Skipped = counts[model.ItemFailed], counts[model.ItemSkipped]
	b.Total = b.Pending + b.Shipped + b.Failed + b.Skipped
	b.FinishedAt = nil
	switch {
	case b.Pending == b.Total && b.Total > 0:
		b.Status = model.BatchQueued
	case b.Pending > 0:
		b.Status = model.BatchRunning
	default:
		b.Status = model.BatchDone
		at := b.CreatedAt
		if last != nil && last.After(at) {
			at = *last
		}
		b.FinishedAt = &at
	}
}
