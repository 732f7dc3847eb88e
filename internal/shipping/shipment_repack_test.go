package shipping

import (
	"reflect"
	"testing"

	"lastmile/internal/model"
)

// TestSplitByPacking: a warehouse's allocation is divided into the marketplace's packages,
// quantity by quantity, goods no package names going with the last; without a split it stays
// whole.
func TestSplitByPacking(t *testing.T) {
	line := func(sku string, q int64) model.StockLine { return model.StockLine{SKU: sku, Quantity: q} }
	group := func(id string, lines ...model.PackageLine) model.PackingGroup {
		return model.PackingGroup{ExternalID: id, Lines: lines}
	}
	pl := func(sku string, q int64) model.PackageLine { return model.PackageLine{SKU: sku, Quantity: q} }
	a := model.Allocation{WarehouseID: "wh_1", Lines: []model.StockLine{line("A", 3), line("B", 1), line("C", 2)}}
	cases := []struct {
		name    string
		packing []model.PackingGroup
		want    [][]model.StockLine
	}{
		{"no split", nil, [][]model.StockLine{a.Lines}},
		{"one package", []model.PackingGroup{group("p1", pl("A", 3))}, [][]model.StockLine{a.Lines}},
		{"by SKU", []model.PackingGroup{group("p1", pl("A", 3)), group("p2", pl("B", 1), pl("C", 2))},
			[][]model.StockLine{{line("A", 3)}, {line("B", 1), line("C", 2)}}},
		{"one SKU over two", []model.PackingGroup{group("p1", pl("A", 2), pl("B", 1)), group("p2", pl("A", 1), pl("C", 2))},
			[][]model.StockLine{{line("A", 2), line("B", 1)}, {line("A", 1), line("C", 2)}}},
		{"goods of another warehouse's package are skipped, unnamed ones go last",
			[]model.PackingGroup{group("p1", pl("Z", 1)), group("p2", pl("A", 1)), group("p3", pl("B", 1))},
			[][]model.StockLine{{line("A", 1)}, {line("B", 1), line("A", 2), line("C", 2)}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := splitByPacking(a, c.packing)
			var lines [][]model.StockLine
			for _, g := range got {
				if g.WarehouseID != "wh_1" {
					t.Fatalf("warehouse %q", g.WarehouseID)
				}
				lines = append(lines, g.Lines)
			}
			if !reflect.DeepEqual(lines, c.want) {
				t.Fatalf("got %v, want %v", lines, c.want)
			}
		})
	}
	if !reflect.DeepEqual(a.Lines, []model.StockLine{line("A", 3), line("B", 1), line("C", 2)}) {
		t.Fatalf("the allocation was changed: %v", a.Lines)
	}
}
