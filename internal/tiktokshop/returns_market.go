package tiktokshop

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/model"
	"lastmile/internal/returns"
)

var _ returns.Marketplace = (*Service)(nil)

// permanent is an error the returns jobs do not retry.
type permanent struct{ error }

// Permanent tells the returns jobs not to retry.
func (permanent) Permanent() bool { return true }

// returnShop finds the shop client of a return event's connection (ref.Connection, else the
// shop's connected TikTok connection).
func (s *Service) returnShop(ctx context.Context, ref returns.PlatformRef) (*tiktok.ShopClient, error) {
	var c model.Connection
	var err error
	if ref.Connection != "" {
		c, err = s.d.Store.GetConnection(ctx, []string{ref.ShopID}, ref.Connection)
	} else {
		var list []model.Connection
		list, err = s.d.Store.ListConnections(ctx, []string{ref.ShopID})
		i := slices.IndexFunc(list, func(c model.Connection) bool { return c.Platform == model.PlatformTikTok })
		if err == nil && i < 0 {
			err = fmt.Errorf("shop %s has no TikTok connection: %w", ref.ShopID, model.ErrNotFound)
		}
		if err == nil {
			c = list[i]
		}
	}
	if err != nil {
		if errors.Is(err, model.ErrNotFound) {
			return nil, permanent{err}
		}
		return nil, err
	}
	sc, err := s.shopClient(c)
	if err != nil {
		return nil, permanent{err}
	}
	return sc, nil
}

// FetchReturn implements returns.Marketplace: the platform's view of a return request.
func (s *Service) FetchReturn(ctx context.Context, ref returns.PlatformRef, returnID string) (returns.PlatformReturn, error) {
	sc, err := s.returnShop(ctx, ref)
	if err != nil {
		return returns.PlatformReturn{}, err
	}
	page, err := sc.SearchReturns(ctx, tiktok.ReturnQuery{ReturnIDs: []string{returnID}}, tiktok.Page{})
	if err != nil {
		return returns.PlatformReturn{}, refusedPermanent(err)
	}
	for _, r := range page.ReturnOrders {
		if r.ReturnID == returnID {
			return returns.PlatformReturn{ReturnID: r.ReturnID, OrderID: r.OrderID, Status: r.ReturnStatus, Type: r.ReturnType,
				Reason: r.ReturnReason, CreatedAt: time.Unix(r.CreateTime, 0).UTC()}, nil
		}
	}
	return returns.PlatformReturn{}, permanent{fmt.Errorf("TikTok has no return %s", returnID)}
}

// PushDecision implements returns.Marketplace: lastmile's decision on a return request, sent
// with the idempotency key so a retry is the same decision.
func (s *Service) PushDecision(ctx context.Context, ref returns.PlatformRef, returnID, key string, d returns.PlatformDecision) error {
	sc, err := s.returnShop(ctx, ref)
	if err != nil {
		return err
	}
	switch d.Action {
	case returns.ActionApproveRefund: // R-RET-2: the buyer keeps the goods
		err = sc.ApproveReturnRequest(ctx, returnID, key, tiktok.ApproveReturn{Decision: tiktok.DecisionRefund, BuyerKeepItem: true})
	case returns.ActionApproveReturn:
		err = sc.ApproveReturnRequest(ctx, returnID, key, tiktok.ApproveReturn{Decision: tiktok.DecisionReturn})
	case returns.ActionApproveReceived:
		err = sc.ApproveReturnRequest(ctx, returnID, key, tiktok.ApproveReturn{Decision: tiktok.DecisionReceived})
	case returns.ActionReject:
		err = sc.RejectReturnRequest(ctx, returnID, key, tiktok.Reject{RejectReason: d.Reason})
	default:
		return permanent{fmt.Errorf("return decision %q is not one TikTok takes", d.Action)}
	}
	return refusedPermanent(err)
}

func refusedPermanent(err error) error {
	if err != nil && tiktok.KindOf(err) == tiktok.Refuse {
		return permanent{err}
	}
	return err
}
