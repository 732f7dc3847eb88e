package postgres_test

import (
	"testing"

	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

func TestConnectionsConformance(t *testing.T) {
	storetest.PostgresURL(t)
	storetest.RunConnections(t, func(t *testing.T) store.Store { return storetest.OpenPostgres(t) })
}
