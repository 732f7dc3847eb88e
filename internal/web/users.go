package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"lastmile/internal/i18n"
	"lastmile/internal/model"
	"lastmile/internal/store"
)

// addUser gives a person a role in the shop (owner only): a new email gets an account with the
// password the owner sets; an existing account gets the role and keeps its password. A refused
// form comes back with 422 and each problem by its field.
func (h *Handler) addUser(w http.ResponseWriter, q *request) {
	email := strings.TrimSpace(q.r.PostFormValue("email"))
	role := model.Role(q.r.PostFormValue("role"))
	_, created, err := h.d.Accounts.CreateUser(q.r.Context(), email, q.r.PostFormValue("password"), q.shop.ID, role)
	if errors.Is(err, store.ErrLastOwner) {
		err = fmt.Errorf("%s: %w", i18n.T(q.lang, "web.users.last_owner", i18n.Args{"email": email}), model.ErrConflict)
	}
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		problems := map[string]string{}
		for _, p := range ve.Problems {
			problems[p.Field] = p.Field + ": " + problemMessage(q.lang, p.Code, p.Field, p.Message)
		}
		h.showSettings(w, q, http.StatusUnprocessableEntity, settingsForm{UserEmail: email, UserRole: string(role),
			UserProblems: problems, UserProblem: problemText(q.lang, ve.Problems)})
		return
	}
	if err != nil {
		h.fail(w, q, err)
		return
	}
	key := "web.users.granted"
	if created {
		key = "web.users.created"
	}
	redirect(w, q.r, "/settings", i18n.T(q.lang, key, i18n.Args{"email": email}))
}

// changeRole sets a user's role in the shop (owner only). The user must have a role in the
// shop (else 404), and the shop's last owner keeps it (409): someone must be able to manage it.
// The store checks the owners and changes the role in one transaction (store.ChangeShopRole).
func (h *Handler) changeRole(w http.ResponseWriter, q *request) {
	role := model.Role(q.r.PostFormValue("role"))
	if !role.Valid() {
		h.fail(w, q, &model.ValidationError{Problems: []model.FieldError{{Code: "invalid_value", Field: "role",
			Message: fmt.Sprintf("role %q is not one of owner, operator, viewer", role)}}})
		return
	}
	h.setRole(w, q, role, "web.saved")
}

// removeRole takes the user's role in the shop away (owner only): the person can no longer
// open the shop; their account and their roles in other shops stay. The last owner keeps the
// role (409), as with changeRole.
func (h *Handler) removeRole(w http.ResponseWriter, q *request) {
	h.setRole(w, q, "", "web.users.removed")
}

// setRole changes (or, with role "", removes) the role of the user in the path, which must have
// one in the shop.
func (h *Handler) setRole(w http.ResponseWriter, q *request, role model.Role, doneKey string) {
	ctx := q.r.Context()
	users, err := h.d.Accounts.ShopUsers(ctx, q.shop.ID)
	if err != nil {
		h.fail(w, q, err)
		return
	}
	id := q.r.PathValue("id")
	i := slices.IndexFunc(users, func(u model.User) bool { return u.ID == id })
	if i < 0 {
		h.fail(w, q, fmt.Errorf("user %s in shop %s: %w", id, q.shop.ID, model.ErrNotFound))
		return
	}
	target := users[i]
	err = h.d.Store.ChangeShopRole(ctx, id, q.shop.ID, role)
	if errors.Is(err, store.ErrLastOwner) {
		err = fmt.Errorf("%s: %w", i18n.T(q.lang, "web.users.last_owner", i18n.Args{"email": target.Email}), model.ErrConflict)
	}
	if err != nil {
		h.fail(w, q, err)
		return
	}
	redirect(w, q.r, "/settings", i18n.T(q.lang, doneKey, i18n.Args{"email": target.Email}))
}
