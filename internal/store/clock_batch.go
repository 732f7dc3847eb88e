package store

import "context"

// ClockBatches computes the clocks of many orders in one transaction: the tracking sweep's
// way through the orders that changed or have a due deadline. One transaction per order was
// most of the sweep's cost after a shipping batch (every labelled order changed): a commit, and
// River's insert of the order's poll job, per order.
type ClockBatches interface {
	// ChangeClocksMany does what ChangeClocks does for each order of refs in turn (in the
	// scope of the ref's shop), in one transaction: the jobs of every order are inserted
	// together at the end. An order that is not found is skipped. An error of fn or of a
	// write rolls back every order of the call. fn may run more than once for an order
	// (PostgreSQL retries a transaction it aborted); it must only decide.
	ChangeClocksMany(ctx context.Context, refs []OrderRef, fn ClockFunc) error
}
