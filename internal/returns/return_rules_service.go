package returns

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// RulesView is a shop's return rules as the API shows them: Default says they are lastmile's
// defaults for the shop's currency, because the shop has set none.
type RulesView struct {
	model.ReturnRules
	Default bool `json:"default_rules"`
}

// shopOf is the shop of scope a call is about: the one named, or the key's only shop.
func shopOf(scope model.Scope, named string) (string, error) {
	switch {
	case named == "" && len(scope.ShopIDs) == 1:
		return scope.ShopIDs[0], nil
	case named == "":
		return "", invalid("missing_field", "shop_id", "shop_id is required: this API key spans several shops")
	case !scope.Has(named):
		return "", fmt.Errorf("shop %s: %w", named, model.ErrNotFound)
	}
	return named, nil
}

// currencyOf is the currency of the shop's market.
func (s *Service) currencyOf(ctx context.Context, shopID string) (string, *time.Location, error) {
	sh, err := s.d.Store.GetShop(ctx, shopID)
	if err != nil {
		return "", nil, err
	}
	m := s.d.Markets[sh.Market]
	loc, err := time.LoadLocation(m.TimeZone)
	if err != nil || m.TimeZone == "" {
		loc = time.UTC
	}
	return m.Currency, loc, nil
}

// rulesOf returns the shop's rules, or the default rules for its currency when it has set none
// (def true).
func (s *Service) rulesOf(ctx context.Context, shopID string) (rs model.ReturnRules, def bool, err error) {
	rs, err = s.d.Store.GetReturnRules(ctx, shopID)
	if err == nil {
		return rs, false, nil
	}
	if !errors.Is(err, model.ErrNotFound) {
		return rs, false, err
	}
	cur, _, err := s.currencyOf(ctx, shopID)
	if err != nil {
		return rs, false, err
	}
	rs = s.cfg.DefaultRules(cur)
	rs.ShopID = shopID
	return rs, true, nil
}

// Rules returns the shop's refund-without-return rules (R-RET-2); shopID may be empty for a
// key of one shop.
func (s *Service) Rules(ctx context.Context, scope model.Scope, shopID string) (RulesView, error) {
	id, err := shopOf(scope, shopID)
	if err != nil {
		return RulesView{}, err
	}
	rs, def, err := s.rulesOf(ctx, id)
	return RulesView{ReturnRules: rs, Default: def}, err
}

// SetRules replaces the shop's rules after checking them; they decide the returns that come in
// from then on.
func (s *Service) SetRules(ctx context.Context, scope model.Scope, shopID string, rs model.ReturnRules) (RulesView, error) {
	id, err := shopOf(scope, shopID)
	if err != nil {
		return RulesView{}, err
	}
	if err := ValidateRules(rs); err != nil {
		return RulesView{}, err
	}
	rs.ShopID, rs.UpdatedAt = id, s.clock()
	if err := s.d.Store.PutReturnRules(ctx, rs); err != nil {
		return RulesView{}, err
	}
	return RulesView{ReturnRules: rs}, nil
}

// DryRunRequest asks what a period's returns would have cost under proposed rules.
type DryRunRequest struct {
	ShopID string            `json:"shop_id,omitempty"`
	Rules  model.ReturnRules `json:"rules"`
	// From and To bound the returns' request times, [from, to); default last calendar month in
	// the shop's market zone.
	From *time.Time `json:"from,omitempty"`
	To   *time.Time `json:"to,omitempty"`
}

// maxDryRunSpan bounds a dry run's period.
const maxDryRunSpan = 366 * 24 * time.Hour

// DryRun weighs the shop's returns requested in the period under the proposed rules and the
// current ones (R-RET-2): decisions per kind, the goods refunded without return, the return
// shipping spent and saved.
func (s *Service) DryRun(ctx context.Context, scope model.Scope, req DryRunRequest) (DryRunReport, error) {
	id, err := shopOf(scope, req.ShopID)
	if err != nil {
		return DryRunReport{}, err
	}
	if err := ValidateRules(req.Rules); err != nil {
		var ve *model.ValidationError
		if errors.As(err, &ve) {
			for i := range ve.Problems {
				ve.Problems[i].Field = "rules." + ve.Problems[i].Field
			}
		}
		return DryRunReport{}, err
	}
	_, loc, err := s.currencyOf(ctx, id)
	if err != nil {
		return DryRunReport{}, err
	}
	now := s.clock().In(loc)
	thisMonth := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc)
	from, to := thisMonth.AddDate(0, -1, 0).UTC(), thisMonth.UTC()
	if req.From != nil {
		from = req.From.UTC()
	}
	if req.To != nil {
		to = req.To.UTC()
	}
	if !from.Before(to) || to.Sub(from) > maxDryRunSpan {
		return DryRunReport{}, invalid("invalid_period", "to", "want from before to, at most 366 days apart (%s to %s)", from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	current, _, err := s.rulesOf(ctx, id)
	if err != nil {
		return DryRunReport{}, err
	}
	back := 0
	if w := BuyerWindows(current, req.Rules); len(w) > 0 {
		back = slices.Max(w)
	}
	history, err := s.requested(ctx, []string{id}, from.AddDate(0, 0, -back), to)
	if err != nil {
		return DryRunReport{}, err
	}
	return DryRun(current, req.Rules, history, from, to), nil
}

// requested pages through the returns of shopIDs requested in [from, to).
func (s *Service) requested(ctx context.Context, shopIDs []string, from, to time.Time) ([]model.Return, error) {
	q := store.ReturnQuery{ShopIDs: shopIDs, RequestedFrom: from, RequestedTo: to, Limit: store.MaxQueryRows}
	var out []model.Return
	for {
		page, err := s.d.Store.ListReturns(ctx, q)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < q.Limit {
			return out, nil
		}
		last := page[len(page)-1]
		q.After = &store.Cursor{ModifiedAt: last.CreatedAt, ID: last.ID}
	}
}

// StatsRequest asks for the return rate and its causes.
type StatsRequest struct {
	ShopID  string
	Period  string
	GroupBy string
}

// Stats works out the return rate and its causes per SKU, carrier or reason over a period
// (R-RET-5), for one shop (shop_id, or the key's only shop) or every shop of the key.
func (s *Service) Stats(ctx context.Context, scope model.Scope, req StatsRequest) (Stats, error) {
	shops := scope.ShopIDs
	if req.ShopID != "" {
		if !scope.Has(req.ShopID) {
			return Stats{}, fmt.Errorf("shop %s: %w", req.ShopID, model.ErrNotFound)
		}
		shops = []string{req.ShopID}
	}
	switch req.GroupBy {
	case "":
		req.GroupBy = GroupBySKU
	case GroupBySKU, GroupByCarrier, GroupByReason:
	default:
		return Stats{}, invalid("invalid_value", "group_by", "%q: want sku, carrier or reason", req.GroupBy)
	}
	loc := time.UTC
	if len(shops) == 1 {
		if _, l, err := s.currencyOf(ctx, shops[0]); err == nil {
			loc = l
		}
	}
	p, err := ParsePeriod(req.Period, s.clock(), loc)
	if err != nil {
		return Stats{}, invalid("invalid_period", "period", "%v", err)
	}
	returns, err := s.requested(ctx, shops, p.Start, p.End)
	if err != nil {
		return Stats{}, err
	}
	units, err := s.d.Store.ShippedUnits(ctx, shops, p.Start, p.End)
	if err != nil {
		return Stats{}, err
	}
	labelled, err := s.d.Store.LabelledShipments(ctx, shops, p.Start, p.End)
	if err != nil {
		return Stats{}, err
	}
	return ComputeStats(p, req.GroupBy, returns, units, labelled), nil
}
