package sqlite_test

import (
	"testing"

	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
	"lastmile/internal/worker/workertest"
)

func TestJobsConformance(t *testing.T) {
	storetest.RunJobs(t, func(t *testing.T) store.Store { return storetest.OpenSQLite(t) })
}

func TestJobsInTx(t *testing.T) {
	s := storetest.OpenSQLite(t)
	storetest.TestJobsInTx(t, s, s.CreateShopWithJobs)
}

func TestJobsOutboxRuns(t *testing.T) {
	s := storetest.OpenSQLite(t)
	workertest.OutboxRuns(t, s, s.CreateShopWithJobs)
}
