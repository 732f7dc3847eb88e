package api

import (
	"encoding/json"
	"lastmile/internal/shipping"
	"reflect"
	"testing"

	"lastmile/internal/inventory"
	"lastmile/internal/label"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/rating"
	"lastmile/internal/returns"
)

// TestRequestFieldsHaveJSONNames: every field a request body may carry has an explicit JSON
// name. Without one, the strict decoder knows the field only by its Go name: the documented
// allow_split was refused as unknown while AllowSplit worked (issue 16 item 4).
func TestRequestFieldsHaveJSONNames(t *testing.T) {
	t.Parallel()
	unmarshaler := reflect.TypeFor[json.Unmarshaler]()
	seen := map[reflect.Type]bool{}
	var walk func(t *testing.T, typ reflect.Type, path string)
	walk = func(t *testing.T, typ reflect.Type, path string) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Map || typ.Kind() == reflect.Array {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || seen[typ] || reflect.PointerTo(typ).Implements(unmarshaler) {
			return
		}
		seen[typ] = true
		for i := range typ.NumField() {
			f := typ.Field(i)
			if !f.IsExported() {
				continue
			}
			if _, ok := f.Tag.Lookup("json"); !ok && !f.Anonymous {
				t.Errorf("%s.%s (%s) has no json tag: clients cannot send it by its documented name", path, f.Name, typ)
			}
			walk(t, f.Type, path+"."+f.Name)
		}
	}
	for name, v := range map[string]any{
		"order":          model.Order{},
		"ship":           shipping.Options{},
		"ship batch":     shipping.BatchRequest{},
		"manifest":       shipping.ManifestRequest{},
		"patch":          order.Patch{},
		"warehouse":      model.Warehouse{},
		"stock target":   inventory.Target{},
		"movement":       inventory.Entry{},
		"allocate":       inventory.AllocateOptions{},
		"allocate batch": allocateRequest{},
		"quote":          rating.QuoteRequest{},
		"label":          label.Label{},
		"return":         returns.CreateRequest{},
		"decide":         returns.DecideRequest{},
		"receive":        returns.ReceiveRequest{},
		"return rules":   model.ReturnRules{},
		"dry run":        returns.DryRunRequest{},
	} {
		walk(t, reflect.TypeOf(v), name)
	}
}
