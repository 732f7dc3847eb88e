package postgres

// The console's users, roles and sessions on PostgreSQL.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

var _ store.Console = (*Store)(nil)

// CreateUser implements store.Console.
func (s *Store) CreateUser(ctx context.Context, u model.User) error {
	if err := store.CheckText("email", u.Email, "id", u.ID); err != nil {
		return err
	}
	return s.inTx(ctx, "create user "+u.Email, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO users (id, email, password_hash, lang, created_at) VALUES ($1, $2, $3, $4, $5)`,
			u.ID, u.Email, u.PasswordHash, u.Lang, u.CreatedAt); err != nil {
			return err
		}
		for shop, role := range u.Roles {
			if err := setRole(ctx, tx, u.ID, shop, role); err != nil {
				return err
			}
		}
		return nil
	})
}

func setRole(ctx context.Context, tx pgx.Tx, userID, shopID string, role model.Role) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM users WHERE id = $1) + (SELECT count(*) FROM shops WHERE id = $2)`,
		userID, shopID).Scan(&n); err != nil {
		return err
	}
	if n != 2 {
		return fmt.Errorf("user %s in shop %s: %w", userID, shopID, model.ErrNotFound)
	}
	_, err := tx.Exec(ctx, `INSERT INTO user_shops (user_id, shop_id, role) VALUES ($1, $2, $3)
		ON CONFLICT (user_id, shop_id) DO UPDATE SET role = excluded.role`, userID, shopID, string(role))
	return err
}

// SetUserRole implements store.Console.
func (s *Store) SetUserRole(ctx context.Context, userID, shopID string, role model.Role) error {
	if err := store.CheckText("user_id", userID, "shop_id", shopID); err != nil {
		return err
	}
	return s.inTx(ctx, "set role", func(tx pgx.Tx) error { return setRole(ctx, tx, userID, shopID, role) })
}

// GetUser implements store.Console.
func (s *Store) GetUser(ctx context.Context, id string) (model.User, error) {
	return s.getUser(ctx, "id", id)
}

// GetUserByEmail implements store.Console.
func (s *Store) GetUserByEmail(ctx context.Context, email string) (model.User, error) {
	return s.getUser(ctx, "email", email)
}

func (s *Store) getUser(ctx context.Context, col, v string) (model.User, error) {
	if err := store.CheckText(col, v); err != nil {
		return model.User{}, err
	}
	var u model.User
	err := s.pool.QueryRow(ctx, `SELECT id, email, password_hash, lang, created_at FROM users WHERE `+col+` = $1`, v).
		Scan(&u.ID, &u.Email, &u.PasswordHash, &u.Lang, &u.CreatedAt)
	if err != nil {
		return u, wrap(err, "get user")
	}
	u.CreatedAt = u.CreatedAt.UTC()
	rows, err := s.pool.Query(ctx, `SELECT shop_id, role FROM user_shops WHERE user_id = $1`, u.ID)
	if err != nil {
		return u, wrap(err, "get user roles")
	}
	defer rows.Close()
	u.Roles = map[string]model.Role{}
	for rows.Next() {
		var shop, role string
		if err := rows.Scan(&shop, &role); err != nil {
			return u, wrap(err, "get user roles")
		}
		u.Roles[shop] = model.Role(role)
	}
	return u, wrap(rows.Err(), "get user roles")
}

// SetUserLang implements store.Console.
func (s *Store) SetUserLang(ctx context.Context, userID, lang string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE users SET lang = $2 WHERE id = $1`, userID, lang)
	if err != nil {
		return wrap(err, "set user lang")
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("set user lang %s: %w", userID, model.ErrNotFound)
	}
	return nil
}

// ListShopUsers implements store.Console.
func (s *Store) ListShopUsers(ctx context.Context, shopID string) ([]model.User, error) {
	rows, err := s.pool.Query(ctx, `SELECT u.id, u.email, u.lang, u.created_at, us.role FROM users u
		JOIN user_shops us ON us.user_id = u.id WHERE us.shop_id = $1 ORDER BY u.email`, shopID)
	if err != nil {
		return nil, wrap(err, "list shop users")
	}
	defer rows.Close()
	var out []model.User
	for rows.Next() {
		var u model.User
		var role string
		if err := rows.Scan(&u.ID, &u.Email, &u.Lang, &u.CreatedAt, &role); err != nil {
			return nil, wrap(err, "list shop users")
		}
		u.CreatedAt = u.CreatedAt.UTC()
		u.Roles = map[string]model.Role{shopID: model.Role(role)}
		out = append(out, u)
	}
	return out, wrap(rows.Err(), "list shop users")
}

// CreateSession implements store.Console.
func (s *Store) CreateSession(ctx context.Context, se model.Session) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, csrf, lang, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		se.TokenHash, se.UserID, se.CSRF, se.Lang, se.CreatedAt, se.ExpiresAt)
	return wrap(err, "create session")
}

// GetSession implements store.Console.
func (s *Store) GetSession(ctx context.Context, tokenHash string, now time.Time) (model.Session, error) {
	var se model.Session
	err := s.pool.QueryRow(ctx, `SELECT token_hash, user_id, csrf, lang, created_at, expires_at FROM sessions
		WHERE token_hash = $1 AND expires_at > $2`, tokenHash, now).
		Scan(&se.TokenHash, &se.UserID, &se.CSRF, &se.Lang, &se.CreatedAt, &se.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return se, fmt.Errorf("session: %w", model.ErrNotFound)
	}
	se.CreatedAt, se.ExpiresAt = se.CreatedAt.UTC(), se.ExpiresAt.UTC()
	return se, wrap(err, "get session")
}

// SetSessionLang implements store.Console.
func (s *Store) SetSessionLang(ctx context.Context, tokenHash, lang string) error {
	_, err := s.pool.Exec(ctx, `UPDATE sessions SET lang = $2 WHERE token_hash = $1`, tokenHash, lang)
	return wrap(err, "set session lang")
}

// DeleteSession implements store.Console.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash)
	return wrap(err, "delete session")
}

// DeleteExpiredSessions implements store.Console.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, now)
	if err != nil {
		return 0, wrap(err, "delete expired sessions")
	}
	return int(tag.RowsAffected()), nil
}
