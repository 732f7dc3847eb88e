package tiktokshop

import (
	"context"
	"fmt"
	"slices"
	"time"

	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/store"
)

// recordCancelRequests writes the buyer's cancellation requests of pulled or webhooked orders
// into their history, where the tracker's R-ORD-4 clock reads them: a request as
// cancel_requested at the platform's create_time, an answered one (approved or rejected, here
// or in the seller centre) also as cancel_answered at its update_time. Only orders the platform
// gives a cancel_order_sla_time are looked up, in one search per call; writing twice changes
// nothing. A failure is logged, never fails the pull: the next pull records it.
func (s *Service) recordCancelRequests(ctx context.Context, c model.Connection, orders []tiktok.Order) {
	var ids []string
	for _, p := range orders {
		if p.CancelOrderSLATime > 0 {
			ids = append(ids, p.ID)
		}
	}
	if len(ids) == 0 {
		return
	}
	sc, err := s.shopClient(c)
	if err != nil {
		return
	}
	latest := map[string]tiktok.Cancellation{}
	for chunk := range slices.Chunk(ids, tiktok.MaxReturnPageSize) {
		page, err := sc.SearchCancellations(ctx, tiktok.CancellationQuery{OrderIDs: chunk}, tiktok.Page{Size: tiktok.MaxReturnPageSize})
		if err != nil {
			s.d.Log.Warn("tiktok cancellation requests of pulled orders not read; the next pull tries again", "connection", c.ID, "err", err)
			return
		}
		for _, cn := range page.Cancellations {
			if cur, ok := latest[cn.OrderID]; !ok || cn.CreateTime > cur.CreateTime {
				latest[cn.OrderID] = cn
			}
		}
	}
	for ext, cn := range latest {
		orders, err := s.d.Store.ListOrders(ctx, store.OrderQuery{ShopIDs: []string{c.ShopID}, ExternalID: ext, Limit: 1})
		if err != nil || len(orders) != 1 {
			continue
		}
		if err := s.recordCancel(ctx, c.ShopID, orders[0].ID, cn, CauseTikTok); err != nil {
			s.d.Log.Warn("tiktok cancellation request not recorded on the order", "order", orders[0].ID, "cancel", cn.CancelID, "err", err)
		}
	}
}

// recordCancel adds cn's request, and its answer once it is no longer pending, to the history
// of order id (R-ORD-4). An event already there is not added again.
func (s *Service) recordCancel(ctx context.Context, shopID, id string, cn tiktok.Cancellation, cause string) error {
	requested := time.Unix(cn.CreateTime, 0).UTC()
	answered := cn.CancelStatus != tiktok.CancellationPending
	answeredAt := time.Unix(cn.UpdateTime, 0).UTC()
	if cn.UpdateTime <= 0 || answeredAt.Before(requested) {
		answeredAt = requested
	}
	_, err := s.d.Store.UpdateOrder(ctx, []string{shopID}, id, func(o *model.Order) (bool, error) {
		changed := false
		if !hasCancelEvent(o, model.EventCancelRequested, cn.CancelID) {
			order.Record(o, requested, model.EventCancelRequested, cause, cancelReason(cn))
			changed = true
		}
		if answered && !hasCancelEvent(o, model.EventCancelAnswered, cn.CancelID) {
			order.Record(o, answeredAt, model.EventCancelAnswered, cause, fmt.Sprintf("cancellation %s: %s", cn.CancelID, cn.CancelStatus))
			changed = true
		}
		return changed, nil
	})
	return err
}

// cancelReason is the Reason of a cancel_requested event: the request's id first, which
// hasCancelEvent matches on.
func cancelReason(cn tiktok.Cancellation) string {
	r := "cancellation " + cn.CancelID
	if cn.CancelReason != "" {
		r += ": " + cn.CancelReason
	}
	return r
}

func hasCancelEvent(o *model.Order, kind, cancelID string) bool {
	prefix := "cancellation " + cancelID
	return slices.ContainsFunc(o.History, func(e model.Event) bool {
		return e.Kind == kind && (e.Reason == prefix || len(e.Reason) > len(prefix) && e.Reason[:len(prefix)+1] == prefix+":")
	})
}
