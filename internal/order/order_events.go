package order

import (
	"context"

	"lastmile/internal/model"
)

// update is UpdateOrder. The store enqueues the order.updated event of every change it writes
// (store.OrderWrites), so that a change made here and one made by shipping, the tracker or the
// marketplace are told alike, each once.
func (s *Service) update(ctx context.Context, scope model.Scope, id string, fn func(*model.Order) (bool, error)) (model.Order, error) {
	return s.store.UpdateOrder(ctx, scope.ShopIDs, id, fn)
}
