package postgres_test

import (
	"testing"

	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

func TestTracking(t *testing.T) {
	storetest.PostgresURL(t)
	storetest.RunTracking(t, func(t *testing.T) store.Store { return storetest.OpenPostgres(t) })
}
