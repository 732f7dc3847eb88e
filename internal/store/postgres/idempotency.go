package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// ClaimIdempotencyKey implements store.Store with one conditional upsert, so two requests with
// the same key, on any nodes, cannot both take it.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, c store.IdempotencyClaim) (*store.IdempotencyRecord, error) {
	for range 3 {
		var got string
		err := s.pool.QueryRow(ctx, `INSERT INTO idempotency_keys (key_id, key, request_hash, created_at, lease_until)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (key_id, key) DO UPDATE SET request_hash = excluded.request_hash, created_at = excluded.created_at,
				lease_until = excluded.lease_until, done = false, status = 0, body = NULL, body_size = 0, headers = ''
			WHERE (idempotency_keys.done AND idempotency_keys.created_at < $6)
			   OR (NOT idempotency_keys.done AND idempotency_keys.lease_until < $4)
			RETURNING key_id`,
			c.KeyID, c.Key, c.RequestHash, c.Now, c.LeaseUntil, c.ExpiredBefore).Scan(&got)
		if err == nil {
			return nil, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return nil, wrap(err, "claim idempotency key")
		}
		rec := &store.IdempotencyRecord{KeyID: c.KeyID, Key: c.Key}
		var headers string
		err = s.pool.QueryRow(ctx, `SELECT request_hash, created_at, lease_until, done, status, content_type, body, body_size, headers
			FROM idempotency_keys WHERE key_id = $1 AND key = $2`, c.KeyID, c.Key).
			Scan(&rec.RequestHash, &rec.CreatedAt, &rec.LeaseUntil, &rec.Done, &rec.Response.Status, &rec.Response.ContentType, &rec.Response.Body, &rec.Response.Size, &headers)
		if errors.Is(err, pgx.ErrNoRows) {
			continue // deleted between the two statements: try to take it again
		}
		if err != nil {
			return nil, wrap(err, "get idempotency key")
		}
		rec.CreatedAt, rec.LeaseUntil = rec.CreatedAt.UTC(), rec.LeaseUntil.UTC()
		return rec, store.DecodeResponseHeaders(headers, &rec.Response)
	}
	return nil, fmt.Errorf("claim idempotency key %q: contended: %w", c.Key, model.ErrConflict)
}

// CompleteIdempotencyKey implements store.Store.
func (s *Store) CompleteIdempotencyKey(ctx context.Context, keyID, key string, resp store.IdempotentResponse) error {
	_, err := s.pool.Exec(ctx, `UPDATE idempotency_keys SET done = true, status = $1, content_type = $2, body = $3, body_size = $4, headers = $5 WHERE key_id = $6 AND key = $7`,
		resp.Status, resp.ContentType, resp.Body, resp.Size, store.EncodeResponseHeaders(resp), keyID, key)
	return wrap(err, "complete idempotency key")
}

// ReleaseIdempotencyKey implements store.Store.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, keyID, key string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM idempotency_keys WHERE key_id = $1 AND key = $2 AND NOT done`, keyID, key)
	return wrap(err, "release idempotency key")
}

// DeleteIdempotencyKeysBefore implements store.Store.
func (s *Store) DeleteIdempotencyKeysBefore(ctx context.Context, t time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, t)
	if err != nil {
		return 0, wrap(err, "delete idempotency keys")
	}
	return tag.RowsAffected(), nil
}
