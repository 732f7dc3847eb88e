package sqlite_test

import (
	"testing"

	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

func TestTracking(t *testing.T) {
	storetest.RunTracking(t, func(t *testing.T) store.Store { return storetest.OpenSQLite(t) })
}
