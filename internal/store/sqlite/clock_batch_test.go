package sqlite_test

import (
	"testing"

	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

func TestClockBatch(t *testing.T) {
	storetest.RunClockBatch(t, func(t *testing.T) store.Store { return storetest.OpenSQLite(t) })
}
