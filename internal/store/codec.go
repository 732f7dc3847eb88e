package store

import (
	"encoding/json"
	"fmt"
	"time"

	"lastmile/internal/model"
)

// orderDoc is the part of an order that drivers keep as one JSON document beside the indexed
// columns (id, shop, external id, market, currency, status, needs_attention and the timestamps).
type orderDoc struct {
	Buyer           model.Buyer        `json:"buyer"`
	ShippingAddress model.Address      `json:"shipping_address"`
	Lines           []model.Line       `json:"lines"`
	COD             *model.Money       `json:"cod,omitempty"`
	History         []model.Event      `json:"history"`
	CancelReason    string             `json:"cancel_reason,omitempty"`
	Problems        []model.Problem    `json:"problems,omitempty"`
	Corrections     *model.Corrections `json:"corrections,omitempty"`
	// Deadlines are the marketplace's own deadlines on the order (the clocks read them).
	Deadlines map[string]time.Time `json:"deadlines,omitempty"`
	// Packing is the marketplace's packing of a split order.
	Packing []model.PackingGroup `json:"packing,omitempty"`
}

// EncodeOrderDoc returns the JSON document a driver stores for o.
func EncodeOrderDoc(o *model.Order) ([]byte, error) {
	b, err := json.Marshal(orderDoc{
		Buyer: o.Buyer, ShippingAddress: o.ShippingAddress, Lines: o.Lines, COD: o.COD,
		History: o.History, CancelReason: o.CancelReason, Problems: o.Problems, Corrections: o.Corrections,
		Deadlines: o.Deadlines, Packing: o.Packing,
	})
	if err != nil {
		return nil, fmt.Errorf("encode order %s: %w", o.ID, err)
	}
	return b, nil
}

// DecodeOrderDoc fills o's document fields from b.
func DecodeOrderDoc(b []byte, o *model.Order) error {
	var d orderDoc
	if err := json.Unmarshal(b, &d); err != nil {
		return fmt.Errorf("decode order %s: %w", o.ID, err)
	}
	o.Buyer, o.ShippingAddress, o.Lines, o.COD = d.Buyer, d.ShippingAddress, d.Lines, d.COD
	o.History, o.CancelReason, o.Problems, o.Corrections = d.History, d.CancelReason, d.Problems, d.Corrections
	o.Deadlines = d.Deadlines
	o.Packing = d.Packing
	return nil
}

// MaxListLimit caps one page of a listing.
const MaxListLimit = 1000

// MaxQueryRows caps one ListOrders query: a full page and one more row, by which a caller tells
// whether another page follows.
const MaxQueryRows = MaxListLimit + 1

// responseHeaders is how drivers keep an IdempotentResponse's headers and trailers: one JSON text.
type responseHeaders struct {
	Header  map[string]string `json:"header,omitempty"`
	Trailer map[string]string `json:"trailer,omitempty"`
}

// EncodeResponseHeaders returns the text a driver stores for r's headers and trailers: "" when
// it has none.
func EncodeResponseHeaders(r IdempotentResponse) string {
	if len(r.Header) == 0 && len(r.Trailer) == 0 {
		return ""
	}
	b, _ := json.Marshal(responseHeaders{Header: r.Header, Trailer: r.Trailer}) // maps of strings always encode
	return string(b)
}

// DecodeResponseHeaders fills r's headers and trailers from the text EncodeResponseHeaders made.
func DecodeResponseHeaders(text string, r *IdempotentResponse) error {
	if text == "" {
		return nil
	}
	var h responseHeaders
	if err := json.Unmarshal([]byte(text), &h); err != nil {
		return fmt.Errorf("decode idempotent response headers: %w", err)
	}
	r.Header, r.Trailer = h.Header, h.Trailer
	return nil
}
