package sqlite_test

import (
	"testing"

	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

func TestReturnsConformance(t *testing.T) {
	storetest.RunReturns(t, func(t *testing.T) store.Store { return storetest.OpenSQLite(t) })
}
