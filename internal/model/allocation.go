package model

import "time"

// StockLine is a SKU and a quantity: an order's need, or what an allocation takes from a
// warehouse.
type StockLine struct {
	SKU      string `json:"sku"`
	Quantity int64  `json:"quantity"`
}

// Candidate is a warehouse that may serve the order, with its stock of the order's SKUs: what
// the store loads under lock for an allocation decision.
type Candidate struct {
	Warehouse Warehouse
	// Stock holds the balance of each of the order's SKUs in this warehouse, as loaded under
	// lock. A SKU that is missing has nothing available.
	Stock map[string]Balance
}

// Decision is the outcome of an allocation decision (inventory.Decide): where the order ships
// from, or why it cannot, and how every warehouse fared. The store keeps it with the order's
// allocation. Its JSON form is the API contract.
type Decision struct {
	OrderID string `json:"order_id"`
	// Allocations are the packages, each from one warehouse; empty when nothing can serve.
	Allocations []Allocation `json:"allocations"`
	// LateRisk: no warehouse that can serve is expected to meet the promise; the order was
	// allocated to the one that delivers soonest (lateness alone never refuses an allocation).
	LateRisk bool `json:"late_risk"`
	// EstimatedDelivery is the end of the day the last package is expected; zero when some
	// package's transit is unknown.
	EstimatedDelivery time.Time `json:"estimated_delivery,omitzero"`
	// TransitKnown: every package's transit came from a transit table.
	TransitKnown bool `json:"transit_known"`
	// PromiseDeadline is the last second of the promised delivery day (R-SLA-1).
	PromiseDeadline time.Time `json:"promise_deadline"`
	// Reason says why nothing was allocated: insufficient_stock, split_forbidden, no_warehouse
	// or no_rate. Empty when allocated.
	Reason string `json:"reason,omitempty"`
	// Considered is every candidate warehouse, by id.
	Considered []Considered `json:"considered"`
	// Short lists, when nothing was allocated, the SKUs no single warehouse can serve: needed,
	// the total available across the warehouses that may ship to the market, and the most any one
	// of them has.
	Short []Shortage `json:"short,omitempty"`
}

// Allocation is one package: the lines one warehouse ships.
type Allocation struct {
	WarehouseID string      `json:"warehouse_id"`
	Lines       []StockLine `json:"lines"`
	Cost        int64       `json:"cost"`
	// Handover is the local day the warehouse hands the package to the carrier.
	Handover          time.Time `json:"handover"`
	EstimatedDelivery time.Time `json:"estimated_delivery,omitzero"`
	TransitKnown      bool      `json:"transit_known"`
	// Service is the transit rule's service the estimate is for.
	Service string `json:"service,omitempty"`
}

// Considered is how one warehouse fared.
type Considered struct {
	WarehouseID string `json:"warehouse_id"`
	// Eligible: it could ship the whole order alone.
	Eligible bool `json:"eligible"`
	// Chosen: it ships (part of) the order.
	Chosen bool `json:"chosen"`
	// Reasons is everything that counts against it: why it lost, or, on a chosen warehouse, the
	// risk it carries (misses_promise) or why it ships only part (insufficient_stock).
	Reasons           []Reason  `json:"reasons"`
	Handover          time.Time `json:"handover,omitzero"`
	EstimatedDelivery time.Time `json:"estimated_delivery,omitzero"`
	TransitKnown      bool      `json:"transit_known"`
	// MeetsPromise: its transit is known and delivers by the promise deadline. False with
	// TransitKnown false means unverified, not late.
	MeetsPromise bool `json:"meets_promise"`
	// Cost is the estimate for what it would ship; 0 when it was not rated.
	Cost int64 `json:"cost"`
}

// Reason is one stable code with a human explanation and, for insufficient_stock, the SKUs.
type Reason struct {
	Code    string     `json:"code"`
	Message string     `json:"message"`
	Short   []Shortage `json:"short,omitempty"`
}

// Shortage is a SKU that lacks stock: needed against available. MaxSingle, in a decision's
// Short, is the most one warehouse has: a line ships whole from one warehouse (R-MODE-6).
type Shortage struct {
	SKU       string `json:"sku"`
	Needed    int64  `json:"needed"`
	Available int64  `json:"available"`
	MaxSingle int64  `json:"max_single,omitempty"`
}
