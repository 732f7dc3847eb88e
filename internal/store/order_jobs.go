package store

import (
	"context"

	"lastmile/internal/model"
)

// OrderJobs are the order writes that enqueue jobs in their own transaction: the transactional
// outbox of the order events (order.created, order.updated).
type OrderJobs interface {
	// UpsertOrdersJobs is UpsertOrders that, once every order of the batch is merged, calls
	// jobs with the results and enqueues what it returns in the same transaction (one
	// multi-row insert). jobs runs inside the transaction: it must not use the store. A nil
	// jobs enqueues nothing.
	UpsertOrdersJobs(ctx context.Context, shopID string, orders []model.Order, merge MergeFunc, jobs UpsertJobsFunc) ([]UpsertResult, error)
	// UpdateOrderJobs is UpdateOrder whose fn also returns jobs, enqueued in the same
	// transaction when the order changed.
	UpdateOrderJobs(ctx context.Context, shopIDs []string, id string, fn func(*model.Order) (changed bool, jobs []Job, err error)) (model.Order, error)
}

// UpsertJobsFunc gives the jobs of a merged batch.
type UpsertJobsFunc func(results []UpsertResult) ([]Job, error)
