package tiktok

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
)

// MaxReturnPageSize is the largest page of cancellations/search and returns/search.
const MaxReturnPageSize = 50

// Cancellation statuses.
const (
	CancellationPending  = "CANCELLATION_REQUEST_PENDING"
	CancellationSuccess  = "CANCELLATION_REQUEST_SUCCESS"
	CancellationCancel   = "CANCELLATION_REQUEST_CANCEL"
	CancellationComplete = "CANCELLATION_REQUEST_COMPLETE"
)

// Return statuses and approve decisions.
const (
	ReturnPending         = "RETURN_OR_REFUND_REQUEST_PENDING"
	ReturnRejected        = "REFUND_OR_RETURN_REQUEST_REJECT"
	ReturnAwaitingBuyer   = "AWAITING_BUYER_SHIP"
	ReturnBuyerShipped    = "BUYER_SHIPPED_ITEM"
	ReturnRejectReceive   = "REJECT_RECEIVE_PACKAGE"
	ReturnSuccess         = "RETURN_OR_REFUND_REQUEST_SUCCESS"
	ReturnCancelled       = "RETURN_OR_REFUND_REQUEST_CANCEL"
	ReturnComplete        = "RETURN_OR_REFUND_REQUEST_COMPLETE"
	DecisionRefund        = "APPROVE_REFUND"
	DecisionReturn        = "APPROVE_RETURN"
	DecisionReceived      = "APPROVE_RECEIVED_PACKAGE"
	DecisionReplacement   = "APPROVE_REPLACEMENT"
	DecisionPartialRefund = "OFFER_PARTIAL_REFUND"
)

// CancellationQuery filters cancellations/search; times are Unix seconds.
type CancellationQuery struct {
	CancelIDs    []string `json:"cancel_ids,omitempty"`
	OrderIDs     []string `json:"order_ids,omitempty"`
	CancelStatus []string `json:"cancel_status,omitempty"`
	CreateTimeGE int64    `json:"create_time_ge,omitempty"`
	CreateTimeLT int64    `json:"create_time_lt,omitempty"`
	UpdateTimeGE int64    `json:"update_time_ge,omitempty"`
	UpdateTimeLT int64    `json:"update_time_lt,omitempty"`
}

// Cancellation is a buyer's (or the platform's) request to cancel an order. The seller answers
// a buyer's request within 48 h of create_time (R-ORD-4; the order's cancel_order_sla_time).
type Cancellation struct {
	CancelID     string `json:"cancel_id"`
	OrderID      string `json:"order_id"`
	CancelStatus string `json:"cancel_status"`
	CancelReason string `json:"cancel_reason"`
	CancelType   string `json:"cancel_type"`
	Role         string `json:"role"`
	CreateTime   int64  `json:"create_time"`
	UpdateTime   int64  `json:"update_time"`
}

// CancellationPage is one page of cancellations/search.
type CancellationPage struct {
	Cancellations []Cancellation `json:"cancellations"`
	NextPageToken string         `json:"next_page_token"`
	TotalCount    int            `json:"total_count"`
}

// SearchCancellations returns one page of the shop's cancellation requests (POST
// /return_refund/202309/cancellations/search; page size 1 to 50).
func (s *ShopClient) SearchCancellations(ctx context.Context, q CancellationQuery, p Page) (CancellationPage, error) {
	const op = "search cancellations"
	qv, err := p.query(op, MaxReturnPageSize)
	if err != nil {
		return CancellationPage{}, err
	}
	var out CancellationPage
	_, err = s.call(ctx, Request{Op: op, Method: "POST", Path: "/return_refund/202309/cancellations/search", Query: qv, Body: q, Repeatable: true}, &out)
	return out, err
}

// Reject is the seller's reason to refuse a cancellation or a return.
type Reject struct {
	Decision     string `json:"decision,omitempty"`
	RejectReason string `json:"reject_reason"`
	Comment      string `json:"comment,omitempty"`
}

// ApproveCancellation accepts a cancellation request (R-ORD-4). idempotencyKey makes a retry
// harmless; "" derives one from the call, so that repeating the same decision is one decision.
func (s *ShopClient) ApproveCancellation(ctx context.Context, cancelID, idempotencyKey string) error {
	return s.decide(ctx, "approve cancellation", "/return_refund/202309/cancellations/"+cancelID+"/approve", cancelID, idempotencyKey, nil)
}

// RejectCancellation refuses a cancellation request (R-ORD-4).
func (s *ShopClient) RejectCancellation(ctx context.Context, cancelID, idempotencyKey string, r Reject) error {
	if r.RejectReason == "" {
		return refusal("reject cancellation", "reject_reason", "give the reason for the buyer")
	}
	return s.decide(ctx, "reject cancellation", "/return_refund/202309/cancellations/"+cancelID+"/reject", cancelID, idempotencyKey, r)
}

// ReturnQuery filters returns/search; times are Unix seconds.
type ReturnQuery struct {
	ReturnIDs    []string `json:"return_ids,omitempty"`
	OrderIDs     []string `json:"order_ids,omitempty"`
	ReturnStatus []string `json:"return_status,omitempty"`
	ReturnTypes  []string `json:"return_types,omitempty"`
	CreateTimeGE int64    `json:"create_time_ge,omitempty"`
	CreateTimeLT int64    `json:"create_time_lt,omitempty"`
	UpdateTimeGE int64    `json:"update_time_ge,omitempty"`
	UpdateTimeLT int64    `json:"update_time_lt,omitempty"`
}

// Return is a return or refund request.
type Return struct {
	ReturnID     string `json:"return_id"`
	OrderID      string `json:"order_id"`
	ReturnStatus string `json:"return_status"`
	ReturnType   string `json:"return_type"`
	ReturnReason string `json:"return_reason"`
	Role         string `json:"role"`
	CreateTime   int64  `json:"create_time"`
	UpdateTime   int64  `json:"update_time"`
}

// ReturnPage is one page of returns/search.
type ReturnPage struct {
	ReturnOrders  []Return `json:"return_orders"`
	NextPageToken string   `json:"next_page_token"`
	TotalCount    int      `json:"total_count"`
}

// SearchReturns returns one page of the shop's return requests (POST
// /return_refund/202309/returns/search; page size 1 to 50).
func (s *ShopClient) SearchReturns(ctx context.Context, q ReturnQuery, p Page) (ReturnPage, error) {
	const op = "search returns"
	qv, err := p.query(op, MaxReturnPageSize)
	if err != nil {
		return ReturnPage{}, err
	}
	var out ReturnPage
	_, err = s.call(ctx, Request{Op: op, Method: "POST", Path: "/return_refund/202309/returns/search", Query: qv, Body: q, Repeatable: true}, &out)
	return out, err
}

// ApproveReturn is the seller's decision on a return: one of the Decision constants;
// BuyerKeepItem true is a refund without return (R-RET-2).
type ApproveReturn struct {
	Decision      string `json:"decision"`
	BuyerKeepItem bool   `json:"buyer_keep_item,omitempty"`
}

// ApproveReturnRequest approves a return request.
func (s *ShopClient) ApproveReturnRequest(ctx context.Context, returnID, idempotencyKey string, a ApproveReturn) error {
	switch a.Decision {
	case DecisionRefund, DecisionReturn, DecisionReceived, DecisionReplacement, DecisionPartialRefund:
	default:
		return refusal("approve return", "decision", "decision "+a.Decision+": want APPROVE_REFUND, APPROVE_RETURN, APPROVE_RECEIVED_PACKAGE, APPROVE_REPLACEMENT or OFFER_PARTIAL_REFUND")
	}
	return s.decide(ctx, "approve return", "/return_refund/202309/returns/"+returnID+"/approve", returnID, idempotencyKey, a)
}

// RejectReturnRequest rejects a return request.
func (s *ShopClient) RejectReturnRequest(ctx context.Context, returnID, idempotencyKey string, r Reject) error {
	if r.RejectReason == "" {
		return refusal("reject return", "reject_reason", "give the reason for the buyer")
	}
	return s.decide(ctx, "reject return", "/return_refund/202309/returns/"+returnID+"/reject", returnID, idempotencyKey, r)
}

// decide sends a return_refund write with its idempotency_key; it may be repeated safely.
func (s *ShopClient) decide(ctx context.Context, op, path, id, key string, body any) error {
	if err := checkID(op, "id", id); err != nil {
		return err
	}
	if key == "" {
		b, _ := json.Marshal(body)
		sum := sha256.Sum256(append([]byte(op+"\x00"+id+"\x00"), b...))
		key = hex.EncodeToString(sum[:16])
	}
	if body == nil {
		body = struct{}{}
	}
	_, err := s.call(ctx, Request{Op: op, Method: "POST", Path: path, Query: url.Values{"idempotency_key": {key}}, Body: body, Repeatable: true}, nil)
	return err
}
