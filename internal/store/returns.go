package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"lastmile/internal/model"
)

// Returns is the storage of return requests, their label documents and the shops' return rules.
// Every change to a return goes through UpsertReturn or ChangeReturn, which hold the return
// exclusively for the transaction and write, with it, the stock movements of its inspection
// (applied with model.Balance.Apply, as ChangeStock does), its label documents and its jobs: an
// inspection and its ledger entries, a status change and its notification, commit together or
// not at all.
type Returns interface {
	// UpsertReturn writes the return of shop shopID with externalID in one transaction. With an
	// external id it holds that key, loads the stored return (nil when there is none) and calls
	// fn with it, so that two deliveries of one marketplace event cannot both create it; with
	// an empty external id it calls fn with nil. It writes what fn returns (a new return is
	// inserted: ErrConflict when its id is taken) and returns the return as stored. The new
	// return's shop and external id must be shopID and externalID (else ErrInvalid). fn may run
	// more than once; it must only decide.
	UpsertReturn(ctx context.Context, shopID, externalID string, fn ReturnUpsertFunc) (model.Return, error)
	// ChangeReturn loads the return id (ErrNotFound outside shopIDs), holds it, calls fn and
	// writes what fn returns in one transaction: the return when Changed (its id, shop, external
	// id, order and creation time stay), the movements (every warehouse must be of the return's
	// shop, else ErrNotFound; a movement Apply refuses fails the whole change), the documents
	// and the jobs. It returns the return as it then stands. fn may run more than once.
	ChangeReturn(ctx context.Context, shopIDs []string, id string, fn ReturnFunc) (model.Return, error)
	// GetReturn returns the return id if its shop is in shopIDs, else ErrNotFound.
	GetReturn(ctx context.Context, shopIDs []string, id string) (model.Return, error)
	// GetReturnByExternalID returns the shop's return with the marketplace's id, else ErrNotFound.
	GetReturnByExternalID(ctx context.Context, shopID, externalID string) (model.Return, error)
	// ListReturns returns up to q.Limit returns (at most MaxQueryRows) in (CreatedAt, ID) order
	// after q.After.
	ListReturns(ctx context.Context, q ReturnQuery) ([]model.Return, error)
	// CountBuyerReturns counts the shop's returns of the buyer (its BuyerKey) requested in
	// [from, to), leaving out the return exceptID.
	CountBuyerReturns(ctx context.Context, shopID, buyerKey string, from, to time.Time, exceptID string) (int, error)

	// GetReturnLabelDocument returns the stored document of a return label (shipment id of the
	// return id) in format and dpi (0 for the carrier's own document), else ErrNotFound. The
	// return must be in shopIDs.
	GetReturnLabelDocument(ctx context.Context, shopIDs []string, returnID, shipmentID, format string, dpi int) (model.LabelDocument, error)
	// PutReturnLabelDocument stores d for the return unless a document of its shipment, format
	// and dpi exists, and returns the stored one (the first rendering wins, R-LBL-6). An unknown
	// return is ErrNotFound.
	PutReturnLabelDocument(ctx context.Context, returnID string, d model.LabelDocument) (model.LabelDocument, error)

	// GetReturnRules returns the shop's return rules, or ErrNotFound when it has set none.
	GetReturnRules(ctx context.Context, shopID string) (model.ReturnRules, error)
	// PutReturnRules stores the shop's rules (r.ShopID), replacing any; ErrNotFound when the shop
	// does not exist.
	PutReturnRules(ctx context.Context, r model.ReturnRules) error

	// ShippedUnits sums the units that left the shelf (ledger ship movements) per SKU in [from,
	// to), for the return rate per SKU.
	ShippedUnits(ctx context.Context, shopIDs []string, from, to time.Time) (map[string]int64, error)
	// LabelledShipments counts the shipments whose label was bought in [from, to) per carrier
	// (voided and failed ones left out), for the return rate per carrier.
	LabelledShipments(ctx context.Context, shopIDs []string, from, to time.Time) (map[string]int64, error)
}

// ReturnUpsertFunc decides a return write: existing is the stored return, nil when new.
type ReturnUpsertFunc func(existing *model.Return) (ReturnChange, error)

// ReturnFunc decides a change of a stored return.
type ReturnFunc func(r model.Return) (ReturnChange, error)

// ReturnChange is what one step decided.
type ReturnChange struct {
	// Return is written when Changed.
	Return  model.Return
	Changed bool
	// Movements are appended to the stock ledger of the return's shop, in order, each applied
	// with model.Balance.Apply to the balance read under lock.
	Movements []model.Movement
	// Documents are stored unless one exists for their shipment, format and dpi.
	Documents []model.LabelDocument
	// Jobs are enqueued in the same transaction.
	Jobs []Job
}

// Empty reports whether ch writes nothing.
func (ch ReturnChange) Empty() bool {
	return !ch.Changed && len(ch.Movements) == 0 && len(ch.Documents) == 0 && len(ch.Jobs) == 0
}

// ReturnQuery selects returns.
type ReturnQuery struct {
	ShopIDs  []string
	Statuses []model.ReturnStatus // empty: any
	OrderID  string               // empty: any
	// TrackingNumber finds the return whose return label has it (any label of it).
	TrackingNumber string
	// RequestedFrom and RequestedTo bound RequestedAt: [from, to); zero: unbounded.
	RequestedFrom, RequestedTo time.Time
	After                      *Cursor // its ModifiedAt is the return's CreatedAt
	Limit                      int
}

// returnDoc is what a driver keeps of a return beside its indexed columns.
type returnDoc struct {
	model.Return
	BuyerKey string `json:"buyer_key"`
}

// EncodeReturn returns the JSON document a driver stores for r, after checking that every text
// of it can be stored (a *model.ValidationError names the field otherwise).
func EncodeReturn(r *model.Return) ([]byte, error) {
	if err := CheckText("id", r.ID, "shop_id", r.ShopID, "external_id", r.ExternalID, "order_id", r.OrderID,
		"status", string(r.Status), "reason", r.Reason, "warehouse_id", r.WarehouseID); err != nil {
		return nil, err
	}
	b, err := json.Marshal(returnDoc{Return: *r, BuyerKey: r.BuyerKey})
	if err != nil {
		return nil, fmt.Errorf("encode return %s: %w", r.ID, err)
	}
	var c TextCheck
	c.AddJSON("return", b)
	if err := c.Err(); err != nil {
		return nil, err
	}
	return b, nil
}

// DecodeReturn reads the document EncodeReturn made.
func DecodeReturn(b []byte) (model.Return, error) {
	var d returnDoc
	if err := json.Unmarshal(b, &d); err != nil {
		return model.Return{}, fmt.Errorf("decode return: %w", err)
	}
	d.Return.BuyerKey = d.BuyerKey
	return d.Return, nil
}

// ReturnTracking is the tracking number a driver indexes for a return: its live label's, else
// its latest label's.
func ReturnTracking(r *model.Return) string {
	for i := len(r.Shipments) - 1; i >= 0; i-- {
		if sh := r.Shipments[i]; sh.Status.Labelled() && sh.TrackingNumber != "" {
			return sh.TrackingNumber
		}
	}
	for i := len(r.Shipments) - 1; i >= 0; i-- {
		if r.Shipments[i].TrackingNumber != "" {
			return r.Shipments[i].TrackingNumber
		}
	}
	return ""
}

// CheckReturnChange refuses a change that does not belong to the stored return old (nil for a
// new one of shopID and externalID): another id, shop, external id or order, a return without
// an id or status, documents of another return's labels. Drivers call it before they write.
func CheckReturnChange(old *model.Return, shopID, externalID string, ch ReturnChange) error {
	r := &ch.Return
	if ch.Changed {
		switch {
		case r.ID == "" || !r.Status.Valid():
			return fmt.Errorf("return %q: an id and a valid status are required: %w", r.ID, model.ErrInvalid)
		case old == nil && (r.ShopID != shopID || r.ExternalID != externalID):
			return fmt.Errorf("new return %s: shop %s and external id %q, want %s and %q: %w", r.ID, r.ShopID, r.ExternalID, shopID, externalID, model.ErrInvalid)
		case old != nil && (r.ID != old.ID || r.ShopID != old.ShopID || r.ExternalID != old.ExternalID || r.OrderID != old.OrderID):
			return fmt.Errorf("return %s: a change may not move it to another id, shop, external id or order: %w", old.ID, model.ErrInvalid)
		}
	} else if old == nil && (len(ch.Movements) > 0 || len(ch.Documents) > 0) {
		return fmt.Errorf("movements or documents without a return: %w", model.ErrInvalid)
	}
	cur := r
	if !ch.Changed && old != nil {
		cur = old
	}
	for i, d := range ch.Documents {
		if !slices.ContainsFunc(cur.Shipments, func(s model.ReturnShipment) bool { return s.ID == d.ShipmentID }) {
			return fmt.Errorf("document %d: shipment %s is not a label of return %s: %w", i, d.ShipmentID, cur.ID, model.ErrInvalid)
		}
		if err := CheckLabelDocument(d); err != nil {
			return err
		}
	}
	var c TextCheck
	for i, m := range ch.Movements {
		p := "movements[" + strconv.Itoa(i) + "]"
		c.Add(p+".sku", m.SKU)
		c.Add(p+".warehouse_id", m.WarehouseID)
		c.Add(p+".reason", m.Reason)
		c.Add(p+".actor", m.Actor)
	}
	if err := c.Err(); err != nil {
		return err
	}
	return ValidateJobs(ch.Jobs)
}

// MovementKeys are the balances movements change, sorted and without duplicates: what a driver
// locks before it applies them.
func MovementKeys(moves []model.Movement) []StockKey {
	keys := make([]StockKey, len(moves))
	for i, m := range moves {
		keys[i] = StockKey{WarehouseID: m.WarehouseID, SKU: m.SKU}
	}
	return SortKeys(keys)
}

// CheckReturnQuery checks the text of a query.
func CheckReturnQuery(q ReturnQuery) error {
	var c TextCheck
	c.AddAll("shop_ids", q.ShopIDs)
	c.Add("order_id", q.OrderID)
	c.Add("tracking_number", q.TrackingNumber)
	for i, s := range q.Statuses {
		c.Add("status["+strconv.Itoa(i)+"]", string(s))
	}
	if q.After != nil {
		c.Add("cursor", q.After.ID)
	}
	return c.Err()
}

// EncodeReturnRules returns the document a driver stores for r.
func EncodeReturnRules(r *model.ReturnRules) ([]byte, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode return rules of %s: %w", r.ShopID, err)
	}
	var c TextCheck
	c.Add("shop_id", r.ShopID)
	c.AddJSON("rules", b)
	if err := c.Err(); err != nil {
		return nil, err
	}
	return b, nil
}

// DecodeReturnRules reads the document EncodeReturnRules made.
func DecodeReturnRules(shopID string, b []byte, updated time.Time) (model.ReturnRules, error) {
	var r model.ReturnRules
	if err := json.Unmarshal(b, &r); err != nil {
		return r, fmt.Errorf("decode return rules of %s: %w", shopID, err)
	}
	r.ShopID, r.UpdatedAt = shopID, updated
	return r, nil
}
