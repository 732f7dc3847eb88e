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

// TestOutage: with the network to PostgreSQL cut (open connections reset, new ones refused),
// every call fails with model.ErrUnavailable.
func TestOutage(t *testing.T) {
	s, cut := storetest.OpenPostgresCuttable(t)
	storetest.CheckOutage(t, s, cut)
}

func BenchmarkUpsertOrders(b *testing.B) {
	storetest.BenchmarkUpsertOrders(b, storetest.OpenPostgres(b))
}
