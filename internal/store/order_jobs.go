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

// StockJobs is the stock change that enqueues jobs in its own transaction: the transactional
// outbox of stock.low.
type StockJobs interface {
	// ChangeStockJobs is ChangeStock that calls jobs with the balances before the change and
	// the levels after it, and enqueues what it returns in the same transaction. jobs runs
	// inside the transaction: it must not use the store. A nil jobs enqueues nothing.
	ChangeStockJobs(ctx context.Context, shopID string, keys []StockKey,
		fn func(map[StockKey]model.Balance) ([]model.Movement, error), jobs StockJobsFunc) ([]StockLevel, error)
}

// StockJobsFunc gives the jobs of a stock change from the balances before it and the levels
// after it.
type StockJobsFunc func(before map[StockKey]model.Balance, after []StockLevel) ([]Job, error)
