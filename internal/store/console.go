package store

import (
	"context"
	"time"

	"lastmile/internal/model"
)

// Console is the storage of the console's users, their roles per shop and their sessions.
type Console interface {
	// CreateUser stores u with its roles (every shop must exist, else ErrNotFound); an email
	// already taken is ErrConflict.
	CreateUser(ctx context.Context, u model.User) error
	// GetUser returns the user id with its roles, else ErrNotFound.
	GetUser(ctx context.Context, id string) (model.User, error)
	// GetUserByEmail returns the user with the (lower-case) email and its roles, else ErrNotFound.
	GetUserByEmail(ctx context.Context, email string) (model.User, error)
	// SetUserRole gives the user role in shopID, replacing any role it had there; an unknown
	// user or shop is ErrNotFound.
	SetUserRole(ctx context.Context, userID, shopID string, role model.Role) error
	// SetUserLang stores the user's language preference ("" for the browser's).
	SetUserLang(ctx context.Context, userID, lang string) error
	// ListShopUsers returns the users with a role in shopID, by email.
	ListShopUsers(ctx context.Context, shopID string) ([]model.User, error)

	// CreateSession stores s.
	CreateSession(ctx context.Context, s model.Session) error
	// GetSession returns the session whose token hashes to tokenHash if it has not expired at
	// now, else ErrNotFound.
	GetSession(ctx context.Context, tokenHash string, now time.Time) (model.Session, error)
	// SetSessionLang stores the language chosen in the session.
	SetSessionLang(ctx context.Context, tokenHash, lang string) error
	// DeleteSession ends the session (no error when there is none).
	DeleteSession(ctx context.Context, tokenHash string) error
	// DeleteExpiredSessions removes the sessions expired at now and says how many.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error)
}
