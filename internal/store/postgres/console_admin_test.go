package postgres_test

import (
	"testing"

	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

func TestConsoleAdminConformance(t *testing.T) {
	storetest.PostgresURL(t)
	storetest.RunConsoleAdmin(t, func(t *testing.T) store.Store { return storetest.OpenPostgres(t) })
}
