package order

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/currency"

	"lastmile/internal/config"
	"lastmile/internal/model"
)

// Limits on the shape of one order, so one request cannot hold the store hostage.
const (
	maxExternalIDLen = 128
	maxLines         = 1000
	maxTextLen       = 1000
)

// Normalize tidies the parts of an incoming order that have one obvious canonical form: the
// market code (UK → GB), upper-case currency codes, a default status and updated_at, line prices
// without a currency. It never guesses at anything else.
func Normalize(o *model.Order) {
	o.ExternalID = strings.TrimSpace(o.ExternalID)
	o.Market = model.NormalizeMarket(string(o.Market))
	o.Currency = strings.ToUpper(strings.TrimSpace(o.Currency))
	o.Status = model.Status(strings.ToUpper(strings.TrimSpace(string(o.Status))))
	if o.Status == "" {
		o.Status = model.StatusAwaitingShipment
		if o.PaidAt == nil {
			o.Status = model.StatusUnpaid
		}
	}
	if o.UpdatedAt.IsZero() {
		o.UpdatedAt = o.CreatedAt
	}
	o.ShippingAddress.Country = strings.ToUpper(strings.TrimSpace(o.ShippingAddress.Country))
	for i := range o.Lines {
		l := &o.Lines[i]
		l.SKU = strings.TrimSpace(l.SKU)
		l.UnitPrice.Currency = strings.ToUpper(strings.TrimSpace(l.UnitPrice.Currency))
		if l.UnitPrice.Currency == "" {
			l.UnitPrice.Currency = o.Currency
		}
	}
	if o.COD != nil {
		o.COD.Currency = strings.ToUpper(strings.TrimSpace(o.COD.Currency))
		if o.COD.Currency == "" {
			o.COD.Currency = o.Currency
		}
	}
}

// Validate checks the structure an order must have to be stored at all: a key, a known market
// and currency, a lifecycle status, consistent timestamps and well-formed lines. It returns every
// problem at once. Problems a seller can fix later (an address the carrier will refuse) are not
// reasons to refuse the order; they are found by the checks that hold an order for attention.
func Validate(o *model.Order, markets map[model.Market]config.Market) []model.FieldError {
	var p problems
	switch {
	case o.ExternalID == "":
		p.add("missing_field", "external_id", "external_id is required: the marketplace's order id")
	case len(o.ExternalID) > maxExternalIDLen:
		p.add("too_long", "external_id", fmt.Sprintf("external_id is %d bytes; at most %d", len(o.ExternalID), maxExternalIDLen))
	case !printable(o.ExternalID):
		p.add("invalid_character", "external_id", "external_id must be printable text without spaces or control characters")
	}

	mk, known := markets[o.Market]
	switch {
	case o.Market == "":
		p.add("missing_field", "market", "market is required: an ISO country code such as US, GB, DE, ID")
	case !known:
		p.add("market_unknown", "market", fmt.Sprintf("market %q is not configured; known markets: %s", o.Market, marketList(markets)))
	}

	switch {
	case o.Currency == "":
		p.add("missing_field", "currency", "currency is required: an ISO 4217 code such as USD")
	case !isCurrency(o.Currency):
		p.add("currency_unknown", "currency", fmt.Sprintf("currency %q is not an ISO 4217 code", o.Currency))
	case known && o.Currency != mk.Currency:
		p.add("currency_mismatch", "currency", fmt.Sprintf("orders in market %s are paid in %s, not %s", o.Market, mk.Currency, o.Currency))
	}

	if !o.Status.Valid() {
		p.add("status_unknown", "status", fmt.Sprintf("status %q is not a platform status; use one of %v", o.Status, model.Statuses))
	}
	if o.CreatedAt.IsZero() {
		p.add("missing_field", "created_at", "created_at is required: when the buyer placed the order (RFC 3339)")
	}
	if !o.CreatedAt.IsZero() && o.UpdatedAt.Before(o.CreatedAt) {
		p.add("time_order", "updated_at", "updated_at is before created_at; send the time of the order's latest change")
	}
	if o.PaidAt == nil && o.Status.Valid() && o.Status != model.StatusUnpaid && o.Status != model.StatusCancelled {
		p.add("missing_field", "paid_at", fmt.Sprintf("paid_at is required for a %s order: the fulfilment clocks count from payment (R-ORD-3)", o.Status))
	}
	if o.PaidAt != nil && !o.CreatedAt.IsZero() && o.PaidAt.Before(o.CreatedAt) {
		p.add("time_order", "paid_at", "paid_at is before created_at")
	}

	switch {
	case len(o.Lines) == 0:
		p.add("missing_field", "lines", "an order needs at least one line")
	case len(o.Lines) > maxLines:
		p.add("too_many", "lines", fmt.Sprintf("an order has at most %d lines; this one has %d", maxLines, len(o.Lines)))
	}
	for i, l := range o.Lines {
		if i >= maxLines {
			break
		}
		f := fmt.Sprintf("lines[%d].", i)
		if l.SKU == "" {
			p.add("missing_field", f+"sku", "sku is required")
		}
		if l.Quantity < 1 {
			p.add("out_of_range", f+"quantity", fmt.Sprintf("quantity must be at least 1, got %d", l.Quantity))
		}
		if l.UnitPrice.Amount < 0 {
			p.add("out_of_range", f+"unit_price.amount", "unit_price.amount must not be negative (minor units, e.g. cents)")
		}
		if l.UnitPrice.Currency != o.Currency && o.Currency != "" {
			p.add("currency_mismatch", f+"unit_price.currency", fmt.Sprintf("line currency %s differs from the order's %s", l.UnitPrice.Currency, o.Currency))
		}
		for _, d := range []struct {
			name string
			v    int64
		}{{"weight_g", l.WeightG}, {"length_mm", l.LengthMM}, {"width_mm", l.WidthMM}, {"height_mm", l.HeightMM}} {
			if d.v < 0 {
				p.add("out_of_range", f+d.name, d.name+" must not be negative")
			}
		}
		if len(l.Name) > maxTextLen || len(l.DeclaredName) > maxTextLen {
			p.add("too_long", f+"name", fmt.Sprintf("line names are at most %d bytes", maxTextLen))
		}
	}
	checkText(&p, o)
	if o.COD != nil {
		if o.COD.Amount <= 0 {
			p.add("out_of_range", "cod.amount", "cod.amount must be positive, or cod null for a prepaid order")
		}
		if o.COD.Currency != o.Currency {
			p.add("currency_mismatch", "cod.currency", fmt.Sprintf("COD currency %s differs from the order's %s", o.COD.Currency, o.Currency))
		}
	}
	return p.list
}

// checkText refuses free text that is not valid UTF-8 or holds a NUL, field by field. PostgreSQL
// cannot store a NUL in text and SQLite would keep it, so the same order would be refused by one
// store and kept by the other. The JSON API refuses such text as it decodes; this covers every
// other way in (the CSV import). The fields checked against a list (market, currency, status)
// and external_id (printable) need no check here.
func checkText(p *problems, o *model.Order) {
	text := func(field, s string) {
		switch {
		case strings.IndexByte(s, 0) >= 0:
			p.add("invalid_character", field, field+" holds a NUL character, which lastmile does not store; remove it")
		case !utf8.ValidString(s):
			p.add("invalid_encoding", field, field+" holds bytes that are not UTF-8; send the text encoded as UTF-8")
		}
	}
	text("buyer.name", o.Buyer.Name)
	text("buyer.email", o.Buyer.Email)
	text("buyer.phone", o.Buyer.Phone)
	a := &o.ShippingAddress
	for _, f := range [...]struct{ name, v string }{
		{"shipping_address.name", a.Name}, {"shipping_address.company", a.Company},
		{"shipping_address.line1", a.Line1}, {"shipping_address.line2", a.Line2},
		{"shipping_address.city", a.City}, {"shipping_address.region", a.Region},
		{"shipping_address.postal_code", a.PostalCode}, {"shipping_address.country", a.Country},
		{"shipping_address.phone", a.Phone}, {"shipping_address.email", a.Email},
	} {
		text(f.name, f.v)
	}
	for i := range o.Lines {
		if i >= maxLines {
			break
		}
		l := &o.Lines[i]
		if cleanText(l.SKU) && cleanText(l.Name) && cleanText(l.DeclaredName) {
			continue
		}
		f := fmt.Sprintf("lines[%d].", i)
		text(f+"sku", l.SKU)
		text(f+"name", l.Name)
		text(f+"declared_name", l.DeclaredName)
	}
}

// cleanText reports whether s is valid UTF-8 without NUL.
func cleanText(s string) bool { return strings.IndexByte(s, 0) < 0 && utf8.ValidString(s) }

type problems struct{ list []model.FieldError }

func (p *problems) add(code, field, msg string) {
	p.list = append(p.list, model.FieldError{Code: code, Field: field, Message: msg})
}

func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

func isCurrency(code string) bool {
	if len(code) != 3 {
		return false
	}
	_, err := currency.ParseISO(code)
	return err == nil
}

func marketList(markets map[model.Market]config.Market) string {
	codes := make([]string, 0, len(markets))
	for c := range markets {
		codes = append(codes, string(c))
	}
	slices.Sort(codes)
	return strings.Join(codes, ", ")
}
