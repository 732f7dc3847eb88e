package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"lastmile/internal/config"
	"lastmile/internal/i18n"
	"lastmile/internal/model"
	"lastmile/internal/settings"
)

// figureRow is one per-shop figure on the Settings page: the shop's own value (empty when it
// takes the market's), the effective value with where it came from, the market's, and the
// problem with the value just submitted.
type figureRow struct {
	Key       string
	Own       string
	Effective string
	Source    string
	Market    string
	Problem   string
}

// owner lets only owners through; an operator or a viewer gets 403.
func (h *Handler) owner(next handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, q *request) {
		if q.role != model.RoleOwner {
			h.forbidden(w, q.r, q.lang, "web.forbidden")
			return
		}
		next(w, q)
	}
}

// figureText is a figure's JSON form (config.Values) as it is written in a form: durations and
// clocks as they are, lists joined with commas.
func figureText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []string:
		return strings.Join(x, ",")
	default:
		return fmt.Sprint(x)
	}
}

// figureRows lists the shop's figures for the form; submitted and problems, when the form was
// refused, keep what the owner typed and say what is wrong with each field.
func (h *Handler) figureRows(q *request, submitted map[string]string, problems map[string]string) ([]figureRow, settings.Effective, error) {
	ctx := q.r.Context()
	eff, err := h.d.Settings.Effective(ctx, q.scope(), q.shop.ID)
	if err != nil {
		return nil, eff, err
	}
	st, err := h.d.Settings.Get(ctx, q.scope(), q.shop.ID)
	if err != nil {
		return nil, eff, err
	}
	effective := config.Values(eff.Figures.Market)
	var market map[string]any
	if m, ok := h.d.Markets[eff.Market]; ok {
		market = config.Values(m)
	}
	var rows []figureRow
	for _, k := range config.ShopKeys() {
		if k == carriersKey {
			continue // its own section, with a checkbox per certified carrier
		}
		own := st.Overrides[k]
		if submitted != nil {
			own = submitted[k]
		}
		rows = append(rows, figureRow{Key: k, Own: own, Effective: figureText(effective[k]),
			Source: string(eff.Figures.Sources[k]), Market: figureText(market[k]), Problem: problems[k]})
	}
	return rows, eff, nil
}

// saveFigures applies the figures form through the settings service (the API's
// PATCH /v1/shops/{id}/settings): a filled field sets the shop's own value, an empty one
// withdraws it so the shop takes its market's. A refused value shows the form again with
// 422 and the problem next to its field; nothing changes.
func (h *Handler) saveFigures(w http.ResponseWriter, q *request) {
	p := settings.Patch{Set: config.Overrides{}}
	submitted := map[string]string{}
	for _, k := range config.ShopKeys() {
		if k == carriersKey {
			continue // saved by its own form (saveCarriers)
		}
		v := strings.TrimSpace(q.r.PostFormValue("fig_" + k))
		submitted[k] = v
		if v == "" {
			p.Remove = append(p.Remove, k)
			continue
		}
		p.Set[k] = v
	}
	_, err := h.d.Settings.Patch(q.r.Context(), q.scope(), q.shop.ID, p)
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		problems := map[string]string{}
		for _, pr := range ve.Problems {
			problems[pr.Field] = pr.Field + ": " + problemMessage(q.lang, pr.Code, pr.Field, pr.Message)
		}
		h.showSettings(w, q, http.StatusUnprocessableEntity, settingsForm{Figures: submitted, FigureProblems: problems, Problem: problemText(q.lang, ve.Problems)})
		return
	}
	if err != nil {
		h.fail(w, q, err)
		return
	}
	redirect(w, q.r, "/settings", i18n.T(q.lang, "web.saved", nil))
}

// carriersKey is the shop's carriers setting (R-SHIP-3).
const carriersKey = "carriers"

// carrierBox is one checkbox of the carriers section: a carrier certified for the shop's
// market and whether the shop ships with it.
type carrierBox struct {
	Code    string
	Checked bool
}

// ruleRow is one of the market's own figures, shown read-only with its rule.
type ruleRow struct {
	Key, Value, Rule string
}

// carriersSection is the Settings page's carriers section: the shop's market with its own
// rule figures, and a checkbox per carrier certified there. checked, when the form was
// refused, keeps what the owner ticked.
type carriersSection struct {
	Market     model.Market
	Restricted bool
	Boxes      []carrierBox
	Rules      []ruleRow
	Problem    string
}

func (h *Handler) carriersSection(q *request, eff settings.Effective, checked []string, problem string) (carriersSection, error) {
	c, err := h.d.Settings.ShopCarriers(q.r.Context(), q.scope(), q.shop.ID)
	if err != nil {
		return carriersSection{}, err
	}
	sec := carriersSection{Market: c.Market, Restricted: c.Restricted, Problem: problem}
	for _, code := range c.Certified {
		on := c.Ships(code)
		if checked != nil {
			on = slices.Contains(checked, code)
		}
		sec.Boxes = append(sec.Boxes, carrierBox{Code: code, Checked: on})
	}
	values := config.Values(eff.Figures.Market)
	for _, k := range config.MarketKeys() {
		if slices.Contains(config.ShopKeys(), k) {
			continue // the shop's own figures are in the figures table
		}
		sec.Rules = append(sec.Rules, ruleRow{Key: k, Value: figureText(values[k]), Rule: config.KeyRule(k)})
	}
	return sec, nil
}

// saveCarriers applies the carriers form through the settings service (as PATCH
// /v1/shops/{id}/settings {"carriers":[…]}): every certified carrier ticked is the default
// (the setting is withdrawn), fewer is the list. A carrier not certified for the shop's
// market, or none ticked, shows the form again with 422 and the problem; nothing changes.
func (h *Handler) saveCarriers(w http.ResponseWriter, q *request) {
	ctx := q.r.Context()
	c, err := h.d.Settings.ShopCarriers(ctx, q.scope(), q.shop.ID)
	if err != nil {
		h.fail(w, q, err)
		return
	}
	if err := q.r.ParseForm(); err != nil {
		h.fail(w, q, err)
		return
	}
	ticked := q.r.PostForm["carrier"]
	slices.Sort(ticked)
	ticked = slices.Compact(ticked)
	p := settings.Patch{Remove: []string{carriersKey}}
	if !slices.Equal(ticked, c.Certified) {
		p = settings.Patch{Set: config.Overrides{carriersKey: strings.Join(ticked, ",")}}
	}
	_, err = h.d.Settings.Patch(ctx, q.scope(), q.shop.ID, p)
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		if ticked == nil {
			ticked = []string{}
		}
		h.showSettings(w, q, http.StatusUnprocessableEntity, settingsForm{Carriers: ticked, CarriersProblem: problemText(q.lang, ve.Problems)})
		return
	}
	if err != nil {
		h.fail(w, q, err)
		return
	}
	redirect(w, q.r, "/settings", i18n.T(q.lang, "web.saved", nil))
}
