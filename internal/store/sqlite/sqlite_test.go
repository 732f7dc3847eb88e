package sqlite_test

import (
	"testing"

	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return storetest.OpenSQLite(t) })
}

func BenchmarkUpsertOrders(b *testing.B) {
	storetest.BenchmarkUpsertOrders(b, storetest.OpenSQLite(b))
}
