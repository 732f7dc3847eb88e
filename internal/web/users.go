package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"lastmile/internal/i18n"
	"lastmile/internal/model"
)

// addUser gives a person a role in the shop (owner only): a new email gets an account with the
// password the owner sets; an existing account gets the role and keeps its password. A refused
// form comes back with 422 and each problem by its field.
func (h *Handler) addUser(w http.ResponseWriter, q *request) {
	email := strings.TrimSpace(q.r.PostFormValue("email"))
	role := model.Role(q.r.PostFormValue("role"))
	_, created, err := h.d.Accounts.CreateUser(q.r.Context(), email, q.r.PostFormValue("password"), q.shop.ID, role)
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
func (h *Handler) changeRole(w http.ResponseWriter, q *request) {
	role := model.Role(q.r.PostFormValue("role"))
	if !role.Valid() {
		h.fail(w, q, &model.ValidationError{Problems: []model.FieldError{{Code: "invalid_value", Field: "role",
			Message: fmt.Sprintf("role %q is not one of owner, operator, viewer", role)}}})
		return
	}
	ctx := q.r.Context()
	users, err := h.d.Accounts.ShopUsers(ctx, q.shop.ID)
	if err != nil {
		h.fail(w, q, err)
		return
	}
	id := q.r.PathValue("id")
	var target *model.User
	owners := 0
	for i, u := range users {
		if u.Roles[q.shop.ID] == model.RoleOwner {
			owners++
		}
		if u.ID == id {
			target = &users[i]
		}
	}
	if target == nil {
		h.fail(w, q, fmt.Errorf("user %s in shop %s: %w", id, q.shop.ID, model.ErrNotFound))
		return
	}
	if target.Roles[q.shop.ID] == model.RoleOwner && role != model.RoleOwner && owners == 1 {
		h.fail(w, q, fmt.Errorf("%s: %w", i18n.T(q.lang, "web.users.last_owner", i18n.Args{"email": target.Email}), model.ErrConflict))
		return
	}
	if err := h.d.Store.SetUserRole(ctx, id, q.shop.ID, role); err != nil {
		h.fail(w, q, err)
		return
	}
	redirect(w, q.r, "/settings", i18n.T(q.lang, "web.saved", nil))
}
