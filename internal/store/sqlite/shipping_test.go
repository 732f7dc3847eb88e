package sqlite_test

import (
	"testing"

	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

func TestShippingConformance(t *testing.T) {
	storetest.RunShipping(t, func(t *testing.T) store.Store { return storetest.OpenSQLite(t) })
}

func BenchmarkCreateBatch(b *testing.B) {
	storetest.BenchmarkCreateBatch(b, storetest.OpenSQLite(b))
}

func BenchmarkGetBatch(b *testing.B) {
	storetest.BenchmarkGetBatch(b, storetest.OpenSQLite(b))
}
