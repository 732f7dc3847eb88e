package sqlite_test

import (
	"testing"

	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

func TestWebhooksConformance(t *testing.T) {
	storetest.RunWebhooks(t, func(t *testing.T) store.Store { return storetest.OpenSQLite(t) })
}
