package postgres_test

import (
	"testing"

	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

func TestWebhooksConformance(t *testing.T) {
	storetest.PostgresURL(t)
	storetest.RunWebhooks(t, func(t *testing.T) store.Store { return storetest.OpenPostgres(t) })
}
