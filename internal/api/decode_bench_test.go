package api

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"lastmile/internal/demo"
	"lastmile/internal/model"
)

// BenchmarkDecodeBatch decodes a body of 10,000 demo orders (about 10 MB) the way
// POST /v1/orders:batch does, without HTTP or the store: the API's own largest cost.
func BenchmarkDecodeBatch(b *testing.B) {
	g := demo.NewGenerator(1)
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	orders := make([]model.Order, 10_000)
	for i := range orders {
		orders[i] = g.Order("US", now)
		orders[i].ExternalID = fmt.Sprintf("57%016d", i)
	}
	body, err := json.Marshal(map[string]any{"orders": orders})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		got, _, _, err := decodeBatch(body, 10_000)
		if err != nil || len(got) != len(orders) {
			b.Fatalf("%d orders, %v", len(got), err)
		}
	}
	b.ReportMetric(float64(b.N*len(orders))/b.Elapsed().Seconds(), "orders/s")
}
