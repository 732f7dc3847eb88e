package web

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"lastmile/internal/i18n"
	"lastmile/internal/model"
)

// maxKeyName bounds an API key's name.
const maxKeyName = 100

// keysPage is the owner's API keys page: the keys that reach this shop (name, prefix, shops,
// created, last used, revoked), a form to create one (its secret shown once) and a revoke
// button on each key of this shop only.
func (h *Handler) keysPage(w http.ResponseWriter, q *request) {
	h.renderKeys(w, q, http.StatusOK, map[string]any{})
}

// renderKeys renders the keys page with data and the shop's keys.
func (h *Handler) renderKeys(w http.ResponseWriter, q *request, status int, data map[string]any) {
	keys, err := h.d.Tenants.Keys(q.r.Context(), model.Scope{ShopIDs: []string{q.shop.ID}})
	if err != nil {
		h.fail(w, q, err)
		return
	}
	data["Keys"] = keys
	h.renderStatus(w, q, status, "keys", "web.keys.title", data)
}

// createKey makes an API key for this shop only and shows its secret once.
func (h *Handler) createKey(w http.ResponseWriter, q *request) {
	name := strings.TrimSpace(q.r.PostFormValue("name"))
	var problem *model.FieldError
	switch {
	case name == "":
		problem = &model.FieldError{Code: "missing_field", Field: "name", Message: "name is required: say what the key is for, e.g. ERP"}
	case utf8.RuneCountInString(name) > maxKeyName:
		problem = &model.FieldError{Code: "too_long", Field: "name", Message: fmt.Sprintf("name has %d characters: at most %d", utf8.RuneCountInString(name), maxKeyName)}
	}
	if problem != nil {
		h.renderKeys(w, q, http.StatusUnprocessableEntity, map[string]any{"Name": name,
			"Problem": problem.Field + ": " + problemMessage(q.lang, problem.Code, problem.Field, problem.Message)})
		return
	}
	secret, key, err := h.d.Tenants.CreateKey(q.r.Context(), name, []string{q.shop.ID})
	if err != nil {
		h.fail(w, q, err)
		return
	}
	h.renderKeys(w, q, http.StatusOK, map[string]any{"Created": key, "Secret": secret})
}

// revokeKey revokes a key of this shop. A key of other shops is not found (404); a key that
// also grants other shops is refused (409): revoking it would cut them off too.
func (h *Handler) revokeKey(w http.ResponseWriter, q *request) {
	id := strings.TrimSpace(q.r.PostFormValue("key_id"))
	k, err := h.d.Store.GetAPIKey(q.r.Context(), id)
	switch {
	case id == "":
		h.fail(w, q, &model.ValidationError{Problems: []model.FieldError{{Code: "missing_field", Field: "key_id", Message: "key_id is required: the id shown when the key was made"}}})
		return
	case err != nil:
		h.fail(w, q, fmt.Errorf("api key %s: %w", id, err))
		return
	case !slices.Contains(k.ShopIDs, q.shop.ID):
		h.fail(w, q, fmt.Errorf("api key %s: %w", id, model.ErrNotFound))
		return
	case len(k.ShopIDs) > 1:
		h.fail(w, q, fmt.Errorf("%s: %w", i18n.T(q.lang, "web.keys.shared", i18n.Args{"id": id}), model.ErrConflict))
		return
	}
	if err := h.d.Tenants.Revoke(q.r.Context(), id); err != nil {
		h.fail(w, q, err)
		return
	}
	redirect(w, q.r, "/settings/keys", i18n.T(q.lang, "web.keys.revoked", i18n.Args{"id": id}))
}
