package config

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"lastmile/internal/model"
)

// Overrides are a shop's own figures: key (ship_within, promise_days, …; ShopKeys lists them)
// to its value written as in the configuration file ("48h", "5", "true", "12:00",
// "mon,tue,wed"). A key not present keeps the market's figure.
type Overrides map[string]string

// Source says where an effective figure came from.
type Source string

// Where a shop's effective figure came from, lowest precedence first.
const (
	SourceDefault    Source = "default"     // lastmile's published default for the market
	SourceConfig     Source = "config"      // the configuration file's markets.<CC>
	SourceShopConfig Source = "shop_config" // the configuration file's shops.<id>
	SourceShopAPI    Source = "shop_api"    // PATCH /v1/shops/{id}/settings
)

// Effective returns m with the overrides applied in order, a later one winning. An unknown key,
// a key a shop may not override, or a value that does not parse is an error naming the key.
// It is the one function that turns a market's figures into a shop's.
func Effective(m Market, overrides ...Overrides) (Market, error) {
	var errs []error
	for _, o := range overrides {
		for _, name := range slices.Sorted(maps.Keys(o)) {
			if err := applyOverride(&m, name, o[name]); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return m, errors.Join(errs...)
}

func applyOverride(m *Market, name, value string) error {
	k, ok := findMarketKey(name)
	switch {
	case !ok:
		return &KeyError{Key: name, Msg: unknownKeyMsg(name, ShopKeys())}
	case !k.shop:
		return &KeyError{Key: name, Msg: "a shop cannot override it: it is the market's (" + k.rule + ")"}
	}
	if err := k.set(k.ptr(m), value); err != nil {
		return &KeyError{Key: name, Msg: err.Error()}
	}
	return nil
}

func unknownKeyMsg(name string, known []string) string {
	if s := suggest(name, known); s != "" {
		return fmt.Sprintf("unknown key; did you mean %s?", s)
	}
	return "unknown key; known keys: " + strings.Join(known, ", ")
}

// ShopFigures are a shop's effective figures on one market and where each came from, by key.
type ShopFigures struct {
	Market  Market
	Sources map[string]Source
}

// ForShop returns the figures that apply to shopID on market: the market's (its published
// default, or the file's markets.<CC>), then the file's shops.<id>, then api (the shop's
// overrides stored through the API), a later one winning. ErrNotFound when the market is not
// configured.
func (c Config) ForShop(shopID string, market model.Market, api Overrides) (ShopFigures, error) {
	base, ok := c.Markets[market]
	if !ok {
		return ShopFigures{}, fmt.Errorf("market %q is not configured: %w", market, model.ErrNotFound)
	}
	def, hasDef := DefaultMarkets()[market]
	f := ShopFigures{Sources: make(map[string]Source, len(marketKeys))}
	for _, k := range marketKeys {
		f.Sources[k.name] = SourceConfig
		if hasDef && k.format(k.ptr(&def)) == k.format(k.ptr(&base)) {
			f.Sources[k.name] = SourceDefault
		}
	}
	m, err := Effective(base, c.Shops[shopID])
	if err != nil {
		return ShopFigures{}, fmt.Errorf("shops.%s: %w", shopID, err)
	}
	if m, err = Effective(m, api); err != nil {
		return ShopFigures{}, fmt.Errorf("shop %s settings: %w", shopID, err)
	}
	for name := range c.Shops[shopID] {
		f.Sources[name] = SourceShopConfig
	}
	for name := range api {
		f.Sources[name] = SourceShopAPI
	}
	f.Market = m
	return f, nil
}

// Figures gives the domain shops' effective figures: for each shop, every configured market's,
// with the shop's overrides applied (settings.Service implements it over the store). Callers
// load the figures of the shops a call may touch before they open a store transaction, so that
// no transaction waits on another read. The maps are shared: callers must not change them.
type Figures interface {
	MarketsOf(ctx context.Context, shopIDs []string) (map[string]map[model.Market]Market, error)
}

// Values returns a market's figures by key in their JSON form: durations and times of day as
// strings ("48h", "12:00"), counts as numbers, switches as booleans, working days as a list.
func Values(m Market) map[string]any {
	out := make(map[string]any, len(marketKeys))
	for _, k := range marketKeys {
		out[k.name] = jsonValue(k.key, k.format(k.ptr(&m)))
	}
	return out
}

// OverridesJSON returns overrides by key in their JSON form, as Values does.
func OverridesJSON(o Overrides) map[string]any {
	out := make(map[string]any, len(o))
	for name, v := range o {
		k, ok := findMarketKey(name)
		if !ok {
			out[name] = v
			continue
		}
		out[name] = jsonValue(k.key, v)
	}
	return out
}

func jsonValue(k key, text string) any {
	switch k.kind {
	case kindInt:
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return n
		}
	case kindBool:
		return text == "true"
	case kindNumber:
		if f, err := strconv.ParseFloat(text, 64); err == nil {
			return f
		}
	case kindWeekdays, kindCodes:
		if text == "" {
			return []string{}
		}
		return strings.Split(text, ",")
	}
	return text
}

// OverrideFromJSON checks a shop override sent as JSON ({"ship_within":"48h"},
// {"promise_days":5}, {"cod":false}, {"working_days":["mon","tue"]}) and returns it in its
// stored form. The error says what is wrong and how to write it, without the key.
func OverrideFromJSON(name string, raw json.RawMessage) (string, error) {
	k, ok := findMarketKey(name)
	switch {
	case !ok:
		return "", errors.New(unknownKeyMsg(name, ShopKeys()))
	case !k.shop:
		return "", errors.New("a shop cannot override it: it is the market's (" + k.rule + ")")
	}
	raw = bytes.TrimSpace(raw)
	var text string
	switch k.kind {
	case kindInt:
		var n json.Number
		if json.Unmarshal(raw, &n) != nil || raw[0] == '"' {
			return "", fmt.Errorf("must be a whole number, e.g. 5, not %s", raw)
		}
		text = n.String()
	case kindNumber:
		var n json.Number
		if json.Unmarshal(raw, &n) != nil || raw[0] == '"' {
			return "", fmt.Errorf("must be a number, e.g. 0.75, not %s", raw)
		}
		text = n.String()
	case kindBool:
		var b bool
		if json.Unmarshal(raw, &b) != nil {
			return "", fmt.Errorf("must be true or false, not %s", raw)
		}
		text = strconv.FormatBool(b)
	case kindWeekdays:
		var days []string
		if json.Unmarshal(raw, &days) != nil {
			return "", fmt.Errorf(`must be a list of days such as ["mon","tue","wed","thu","fri"], not %s`, raw)
		}
		text = strings.Join(days, ",")
	case kindCodes:
		var codes []string
		if json.Unmarshal(raw, &codes) != nil {
			return "", fmt.Errorf(`must be a list of carrier codes such as ["usps","ups"], not %s`, raw)
		}
		text = strings.Join(codes, ",")
	default:
		if json.Unmarshal(raw, &text) != nil {
			return "", fmt.Errorf(`must be a string such as %q, not %s`, example(k.kind), raw)
		}
	}
	var m Market
	if err := k.set(k.ptr(&m), text); err != nil {
		return "", err
	}
	return k.format(k.ptr(&m)), nil
}

func example(k kind) string {
	switch k {
	case kindDuration:
		return "48h"
	case kindClock:
		return "12:00"
	}
	return "text"
}
