package order_test

import (
	"testing"

	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/order"
)

// TestValidateRefusesBadText: a NUL or bytes that are not UTF-8 in any free-text field refuse the
// order, naming the field, whatever brought it in (the CSV import passes text through as read).
func TestValidateRefusesBadText(t *testing.T) {
	t.Parallel()
	markets := config.DefaultMarkets()
	for _, tc := range []struct {
		field string
		set   func(o *model.Order, s string)
	}{
		{"buyer.name", func(o *model.Order, s string) { o.Buyer.Name = s }},
		{"buyer.email", func(o *model.Order, s string) { o.Buyer.Email = s }},
		{"shipping_address.line2", func(o *model.Order, s string) { o.ShippingAddress.Line2 = s }},
		{"shipping_address.postal_code", func(o *model.Order, s string) { o.ShippingAddress.PostalCode = s }},
		{"shipping_address.phone", func(o *model.Order, s string) { o.ShippingAddress.Phone = s }},
		{"lines[1].name", func(o *model.Order, s string) { o.Lines[1].Name = s }},
		{"lines[1].sku", func(o *model.Order, s string) { o.Lines[1].SKU = s }},
		{"lines[0].declared_name", func(o *model.Order, s string) { o.Lines[0].DeclaredName = s }},
	} {
		for _, bad := range []struct{ s, code string }{{"a\x00b", "invalid_character"}, {"\x00", "invalid_character"}, {"a\xffb", "invalid_encoding"}, {"\xed\xa0\x80", "invalid_encoding"}} {
			o := contractOrder()
			twoLines(&o)
			tc.set(&o, bad.s)
			got := problemsOf(order.Validate(&o, markets))
			if len(got) != 1 || got[0] != (problem{bad.code, tc.field}) {
				t.Errorf("%s = %q: %v, want only %s on %s", tc.field, bad.s, got, bad.code, tc.field)
			}
		}
	}
	o := contractOrder()
	o.Buyer.Name = "王小明 Nguyễn"
	if got := order.Validate(&o, markets); len(got) != 0 {
		t.Fatalf("valid UTF-8 refused: %v", got)
	}
}
