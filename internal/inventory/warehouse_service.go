package inventory

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"lastmile/internal/address"
	"lastmile/internal/model"
)

// codePattern is what a warehouse code may look like: short, and safe in a file name, a CSV cell
// and a URL.
var codePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$`)

// CreateWarehouse stores a new warehouse for the shop w names (or scope's only shop) and returns
// it with its id. Its configuration is checked whole (ValidateWarehouse, its addresses like an
// order's): every problem is reported at once. A code the shop already uses is a
// *CodeTakenError (ErrConflict).
func (s *Service) CreateWarehouse(ctx context.Context, scope model.Scope, w model.Warehouse) (model.Warehouse, error) {
	shop, err := shopOf(scope, w.ShopID)
	if err != nil {
		return model.Warehouse{}, err
	}
	now := s.clock()
	w.ID, w.ShopID, w.CreatedAt, w.UpdatedAt = s.ids.New("wh", now), shop, now, now
	if err := s.prepareWarehouse(&w); err != nil {
		return model.Warehouse{}, err
	}
	if err := s.store.CreateWarehouse(ctx, w); err != nil {
		return model.Warehouse{}, s.codeTaken(ctx, w, fmt.Errorf("warehouse code %q: %w", w.Code, err))
	}
	return w, nil
}

// CodeTakenError is a warehouse code the shop already uses for another warehouse, Existing.
// It unwraps to model.ErrConflict (HTTP 409).
type CodeTakenError struct {
	Code     string
	Existing model.Warehouse
}

func (e *CodeTakenError) Error() string {
	return fmt.Sprintf("warehouse code %q is taken by warehouse %s (%q) of this shop", e.Code, e.Existing.ID, e.Existing.Name)
}

func (e *CodeTakenError) Unwrap() error { return model.ErrConflict }

// codeTaken turns the store's conflict on saving w into a *CodeTakenError naming the warehouse
// that has w's code; any other error, or a conflict it cannot explain, is returned as it is.
func (s *Service) codeTaken(ctx context.Context, w model.Warehouse, err error) error {
	if !errors.Is(err, model.ErrConflict) {
		return err
	}
	ws, lerr := s.store.ListWarehouses(ctx, []string{w.ShopID})
	if lerr != nil {
		return err
	}
	for _, other := range ws {
		if other.Code == w.Code && other.ID != w.ID {
			return &CodeTakenError{Code: w.Code, Existing: other}
		}
	}
	return err
}

// ReplaceWarehouse replaces the configuration of the warehouse id with w (PUT semantics): its
// id, shop and creation time stay.
func (s *Service) ReplaceWarehouse(ctx context.Context, scope model.Scope, id string, w model.Warehouse) (model.Warehouse, error) {
	now := s.clock()
	out, err := s.store.UpdateWarehouse(ctx, scope.ShopIDs, id, func(cur *model.Warehouse) error {
		if w.ShopID != "" && w.ShopID != cur.ShopID {
			return invalid("invalid_value", "shop_id", "a warehouse cannot move to another shop; create one there instead")
		}
		w.ID, w.ShopID, w.CreatedAt, w.UpdatedAt = cur.ID, cur.ShopID, cur.CreatedAt, now
		if err := s.prepareWarehouse(&w); err != nil {
			return err
		}
		*cur = w
		return nil
	})
	if err != nil {
		return model.Warehouse{}, s.codeTaken(ctx, w, err)
	}
	return out, nil
}

// GetWarehouse returns the warehouse id within scope.
func (s *Service) GetWarehouse(ctx context.Context, scope model.Scope, id string) (model.Warehouse, error) {
	return s.store.GetWarehouse(ctx, scope.ShopIDs, id)
}

// ListWarehouses returns the warehouses of scope's shops, by shop and code.
func (s *Service) ListWarehouses(ctx context.Context, scope model.Scope) ([]model.Warehouse, error) {
	return s.store.ListWarehouses(ctx, scope.ShopIDs)
}

// prepareWarehouse normalises w's addresses and checks it whole.
func (s *Service) prepareWarehouse(w *model.Warehouse) error {
	w.Address = address.Normalize(w.Address)
	w.ShipFrom = address.Normalize(w.ShipFrom)
	w.ReturnAddress = address.Normalize(w.ReturnAddress)
	if w.Market != "" {
		w.Market = model.NormalizeMarket(string(w.Market))
	}
	var problems []model.FieldError
	switch {
	case w.Code == "":
		problems = append(problems, model.FieldError{Code: "missing_field", Field: "code",
			Message: "a warehouse needs a code, the short name stock files use, e.g. LAX1"})
	case !codePattern.MatchString(w.Code):
		problems = append(problems, model.FieldError{Code: "invalid_value", Field: "code",
			Message: fmt.Sprintf("code %q: use 1–32 letters, digits, '.', '_' or '-', starting with a letter or digit", w.Code)})
	}
	if w.Name == "" {
		problems = append(problems, model.FieldError{Code: "missing_field", Field: "name", Message: "a warehouse needs a name"})
	}
	if err := ValidateWarehouse(w, s.policy); err != nil {
		ve, ok := err.(*model.ValidationError)
		if !ok {
			return err
		}
		problems = append(problems, ve.Problems...)
	}
	if len(problems) > 0 {
		return &model.ValidationError{Problems: problems}
	}
	return nil
}
