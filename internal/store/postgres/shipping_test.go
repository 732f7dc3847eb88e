package postgres_test

import (
	"testing"

	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

func TestShippingConformance(t *testing.T) {
	storetest.PostgresURL(t)
	storetest.RunShipping(t, func(t *testing.T) store.Store { return storetest.OpenPostgres(t) })
}

func BenchmarkCreateBatch(b *testing.B) {
	storetest.BenchmarkCreateBatch(b, storetest.OpenPostgres(b))
}

func BenchmarkGetBatch(b *testing.B) {
	storetest.BenchmarkGetBatch(b, storetest.OpenPostgres(b))
}
