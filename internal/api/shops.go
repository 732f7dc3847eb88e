package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"

	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/settings"
)

// shopSettingsJSON is the document GET and PATCH /v1/shops/{id}/settings read and write: the
// shop's own overrides of its market's figures, by key, and its shipping mode.
func shopSettingsJSON(st model.ShopSettings) map[string]any {
	out := config.OverridesJSON(st.Overrides)
	out["shipping_mode"] = st.Mode()
	return out
}

// getShopSettings is GET /v1/shops/{id}/settings: the shop's own settings (what PATCH changes).
func (s *Server) getShopSettings(w http.ResponseWriter, r *http.Request) {
	st, err := s.deps.Settings.Get(r.Context(), scopeOf(r.Context()), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, shopSettingsJSON(st))
}

// maxSettingsBody bounds a settings patch: a few dozen keys.
const maxSettingsBody = 64 << 10

// patchShopSettings is PATCH /v1/shops/{id}/settings with a JSON merge patch (RFC 7396): a key
// with a value sets the shop's own figure ({"ship_within":"48h","promise_days":5}), a key with
// null withdraws it (the market's figure applies again), a key not sent is left as it is.
// {"shipping_mode":"platform"} switches the mode for orders created from now on (R-MODE-3).
// Every bad key or value is reported, each naming its field; nothing changes then.
func (s *Server) patchShopSettings(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxSettingsBody+1))
	if err != nil {
		s.fail(w, r, decodeError(err, nil, ""))
		return
	}
	if len(body) > maxSettingsBody {
		s.fail(w, r, &apiError{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large",
			Message: fmt.Sprintf("a settings patch is at most %d bytes", maxSettingsBody)})
		return
	}
	members, ae := decodeMergePatch(body)
	if ae != nil {
		s.fail(w, r, ae)
		return
	}
	var p settings.Patch
	var problems []model.FieldError
	for _, name := range slices.Sorted(maps.Keys(members)) {
		raw := members[name]
		null := bytes.Equal(raw, []byte("null"))
		if name == "shipping_mode" {
			if null || json.Unmarshal(raw, &p.Mode) != nil {
				problems = append(problems, model.FieldError{Code: "invalid_setting", Field: name,
					Message: `shipping_mode is "seller" or "platform" (R-MODE-2); it cannot be removed`})
			}
			continue
		}
		if null {
			p.Remove = append(p.Remove, name)
			continue
		}
		v, err := config.OverrideFromJSON(name, raw)
		if err != nil {
			problems = append(problems, model.FieldError{Code: "invalid_setting", Field: name, Message: err.Error()})
			continue
		}
		if p.Set == nil {
			p.Set = config.Overrides{}
		}
		p.Set[name] = v
	}
	if len(problems) > 0 {
		s.fail(w, r, &model.ValidationError{Problems: problems})
		return
	}
	st, err := s.deps.Settings.Patch(r.Context(), scopeOf(r.Context()), r.PathValue("id"), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, shopSettingsJSON(st))
}

// decodeMergePatch reads a JSON object's members, refusing anything else and a key sent twice
// (which of two values would win is not for the server to guess).
func decodeMergePatch(body []byte) (map[string]json.RawMessage, *apiError) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, decodeError(errEmptyBody, nil, "")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	if err != nil {
		return nil, decodeError(err, body, "")
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_type",
			Message: `the body must be a JSON object of settings, e.g. {"ship_within":"48h"}`}
	}
	members := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, decodeError(err, body, "")
		}
		name := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, decodeError(err, body, "")
		}
		if _, dup := members[name]; dup {
			return nil, &apiError{Status: http.StatusUnprocessableEntity, Code: "duplicate_key", Field: name,
				Message: fmt.Sprintf("%q is sent twice; send each setting once", name)}
		}
		members[name] = raw
	}
	if _, err := dec.Token(); err != nil {
		return nil, decodeError(err, body, "")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, decodeError(errTrailingData, body, "")
	}
	return members, nil
}

// effectiveSettingsJSON is the answer of GET /v1/shops/{id}/settings/effective.
type effectiveSettingsJSON struct {
	ShopID string       `json:"shop_id"`
	Market model.Market `json:"market"`
	// Values are every figure that applies to the shop, by key.
	Values map[string]any `json:"values"`
	// Sources say where each came from: default, config, shop_config or shop_api.
	Sources      map[string]config.Source `json:"sources"`
	ShippingMode model.ShippingMode       `json:"shipping_mode"`
	ModeChanges  []model.ModeChange       `json:"mode_changes"`
}

// getEffectiveSettings is GET /v1/shops/{id}/settings/effective: every figure that applies to
// the shop (its market's, with the file's and the API's overrides) and where each came from.
func (s *Server) getEffectiveSettings(w http.ResponseWriter, r *http.Request) {
	eff, err := s.deps.Settings.Effective(r.Context(), scopeOf(r.Context()), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	changes := eff.ModeChanges
	if changes == nil {
		changes = []model.ModeChange{}
	}
	writeJSON(w, http.StatusOK, effectiveSettingsJSON{ShopID: eff.ShopID, Market: eff.Market, Values: config.Values(eff.Figures.Market),
		Sources: eff.Figures.Sources, ShippingMode: eff.Mode, ModeChanges: changes})
}
