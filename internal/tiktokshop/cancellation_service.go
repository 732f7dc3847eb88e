package tiktokshop

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/model"
	"lastmile/internal/store"
)

// DefaultCancelAnswerWithin is how long a seller has to answer a buyer's cancellation request
// when the platform gives no cancel_order_sla_time (R-ORD-4: 48 h).
const DefaultCancelAnswerWithin = 48 * time.Hour

// Cancellation is a buyer's pending request to cancel an order, as lastmile lists it: the
// platform is its source, read when listed; answer it by Deadline (R-ORD-4).
type Cancellation struct {
	// ID names the request in lastmile's routes: the connection and the platform's cancel id,
	// "CONNECTION:CANCEL_ID".
	ID           string `json:"id"`
	ConnectionID string `json:"connection_id"`
	ShopID       string `json:"shop_id"`
	CancelID     string `json:"cancel_id"`
	// TikTokOrderID is the platform's order; OrderID lastmile's, when it has the order.
	TikTokOrderID string    `json:"tiktok_order_id"`
	OrderID       string    `json:"order_id,omitempty"`
	Status        string    `json:"status"`
	Reason        string    `json:"reason,omitempty"`
	Role          string    `json:"role,omitempty"`
	RequestedAt   time.Time `json:"requested_at"`
	// Deadline is the platform's cancel_order_sla_time, else 48 h after the request (R-ORD-4).
	Deadline time.Time `json:"deadline"`
	// Overdue is set once the deadline has passed.
	Overdue bool `json:"overdue"`
}

// Cancellations lists the pending cancellation requests of the scope's connected TikTok
// shops, the nearest deadline first.
func (s *Service) Cancellations(ctx context.Context, scope model.Scope) ([]Cancellation, error) {
	conns, err := s.d.Store.ListConnections(ctx, scope.ShopIDs)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := []Cancellation{}
	for _, c := range conns {
		if c.Platform != model.PlatformTikTok || c.Status != model.ConnectionConnected {
			continue
		}
		sc, err := s.shopClient(c)
		if err != nil {
			continue
		}
		p := tiktok.Page{}
		for {
			page, err := sc.SearchCancellations(ctx, tiktok.CancellationQuery{CancelStatus: []string{tiktok.CancellationPending}}, p)
			if err != nil {
				s.markReauth(ctx, c.ID, err)
				return nil, fmt.Errorf("list the cancellation requests of TikTok shop %s: %w: %w", c.ExternalShopID, model.ErrUnavailable, err)
			}
			for _, cn := range page.Cancellations {
				out = append(out, s.cancellation(ctx, c, cn, now))
			}
			if page.NextPageToken == "" || page.NextPageToken == p.Token {
				break
			}
			p.Token = page.NextPageToken
		}
	}
	slices.SortFunc(out, func(a, b Cancellation) int { return a.Deadline.Compare(b.Deadline) })
	return out, nil
}

func (s *Service) cancellation(ctx context.Context, c model.Connection, cn tiktok.Cancellation, now time.Time) Cancellation {
	out := Cancellation{ID: c.ID + ":" + cn.CancelID, ConnectionID: c.ID, ShopID: c.ShopID, CancelID: cn.CancelID,
		TikTokOrderID: cn.OrderID, Status: cn.CancelStatus, Reason: cn.CancelReason, Role: cn.Role,
		RequestedAt: time.Unix(cn.CreateTime, 0).UTC()}
	out.Deadline = out.RequestedAt.Add(DefaultCancelAnswerWithin)
	if orders, err := s.d.Store.ListOrders(ctx, store.OrderQuery{ShopIDs: []string{c.ShopID}, ExternalID: cn.OrderID, Limit: 1}); err == nil && len(orders) == 1 {
		out.OrderID = orders[0].ID
		if d, ok := orders[0].Deadlines[tiktok.DeadlineCancelOrder]; ok {
			out.Deadline = d
		}
	}
	out.Overdue = now.After(out.Deadline)
	return out
}

// parseCancellationID splits "CONNECTION:CANCEL_ID".
func parseCancellationID(id string) (conn, cancel string, err error) {
	conn, cancel, ok := strings.Cut(id, ":")
	if !ok || conn == "" || cancel == "" {
		return "", "", fmt.Errorf("cancellation %q: want the id GET /v1/cancellations gives, CONNECTION:CANCEL_ID: %w", id, model.ErrNotFound)
	}
	return conn, cancel, nil
}

// decideCancellation finds the connection of id in scope and its shop client.
func (s *Service) decideCancellation(ctx context.Context, scope model.Scope, id string) (model.Connection, string, *tiktok.ShopClient, error) {
	connID, cancelID, err := parseCancellationID(id)
	if err != nil {
		return model.Connection{}, "", nil, err
	}
	c, err := s.d.Store.GetConnection(ctx, scope.ShopIDs, connID)
	if err != nil {
		return c, "", nil, err
	}
	sc, err := s.shopClient(c)
	if err != nil {
		return c, "", nil, &model.ValidationError{Problems: []model.FieldError{{Code: "not_connected", Field: "id", Message: err.Error()}}}
	}
	return c, cancelID, sc, nil
}

// ApproveCancellation accepts a buyer's cancellation request on the platform and cancels the
// order in lastmile, which releases its stock (R-ORD-4). Approving again is harmless.
func (s *Service) ApproveCancellation(ctx context.Context, scope model.Scope, id string) (Cancellation, error) {
	c, cancelID, sc, err := s.decideCancellation(ctx, scope, id)
	if err != nil {
		return Cancellation{}, err
	}
	page, err := sc.SearchCancellations(ctx, tiktok.CancellationQuery{CancelIDs: []string{cancelID}}, tiktok.Page{})
	if err != nil {
		return Cancellation{}, fmt.Errorf("read cancellation %s: %w: %w", cancelID, model.ErrUnavailable, err)
	}
	if len(page.Cancellations) == 0 {
		return Cancellation{}, fmt.Errorf("cancellation %s: %w", id, model.ErrNotFound)
	}
	cn := page.Cancellations[0]
	if cn.CancelStatus == tiktok.CancellationPending {
		if err := sc.ApproveCancellation(ctx, cancelID, "lastmile-approve-"+cancelID); err != nil {
			return Cancellation{}, decisionError(err)
		}
		cn.CancelStatus, cn.UpdateTime = tiktok.CancellationSuccess, s.now().Unix()
	}
	out := s.cancellation(ctx, c, cn, s.now())
	if out.OrderID != "" {
		// R-ORD-4: the answer meets the clock, before the cancel stops it.
		if err := s.recordCancel(ctx, c.ShopID, out.OrderID, cn, CauseTikTok); err != nil {
			return out, fmt.Errorf("record the answer to cancellation %s on order %s: %w", id, out.OrderID, err)
		}
		if _, err := s.d.Orders.Cancel(ctx, model.Scope{ShopIDs: []string{c.ShopID}}, out.OrderID, "buyer_request", CauseTikTok); err != nil && !errors.Is(err, model.ErrConflict) {
			return out, fmt.Errorf("cancel order %s after approving the buyer's request: %w", out.OrderID, err)
		}
	}
	s.d.Log.Info("tiktok cancellation approved", "cancellation", id, "order", out.OrderID)
	return out, nil
}

// RejectCancellation refuses a buyer's cancellation request on the platform with reason.
func (s *Service) RejectCancellation(ctx context.Context, scope model.Scope, id, reason string) (Cancellation, error) {
	if strings.TrimSpace(reason) == "" {
		return Cancellation{}, &model.ValidationError{Problems: []model.FieldError{{Code: "missing_field", Field: "reason",
			Message: "give the reason the buyer is shown, e.g. \"the parcel has already been handed to the carrier\" (R-ORD-4)"}}}
	}
	c, cancelID, sc, err := s.decideCancellation(ctx, scope, id)
	if err != nil {
		return Cancellation{}, err
	}
	if err := sc.RejectCancellation(ctx, cancelID, "lastmile-reject-"+cancelID, tiktok.Reject{RejectReason: reason}); err != nil {
		return Cancellation{}, decisionError(err)
	}
	page, err := sc.SearchCancellations(ctx, tiktok.CancellationQuery{CancelIDs: []string{cancelID}}, tiktok.Page{})
	if err != nil || len(page.Cancellations) == 0 {
		return Cancellation{ID: id, ConnectionID: c.ID, ShopID: c.ShopID, CancelID: cancelID, Status: tiktok.CancellationCancel}, nil
	}
	out := s.cancellation(ctx, c, page.Cancellations[0], s.now())
	if out.OrderID != "" {
		// R-ORD-4: the answer meets the clock.
		if err := s.recordCancel(ctx, c.ShopID, out.OrderID, page.Cancellations[0], CauseTikTok); err != nil {
			return out, fmt.Errorf("record the answer to cancellation %s on order %s: %w", id, out.OrderID, err)
		}
	}
	return out, nil
}

// decisionError makes the platform's refusal of a decision a 409 naming why.
func decisionError(err error) error {
	if tiktok.KindOf(err) == tiktok.Refuse {
		return fmt.Errorf("TikTok refused the decision (%s): %w", err.Error(), model.ErrConflict)
	}
	return fmt.Errorf("%w: %w", model.ErrUnavailable, err)
}
