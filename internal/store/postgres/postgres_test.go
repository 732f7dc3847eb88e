package postgres_test

import (
	"testing"

	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.PostgresURL(t)
	storetest.Run(t, func(t *testing.T) store.Store { return storetest.OpenPostgres(t) })
}

func BenchmarkUpsertOrders(b *testing.B) {
	storetest.BenchmarkUpsertOrders(b, storetest.OpenPostgres(b))
}
