package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// ClaimIdempotencyKey implements store.Store with one conditional upsert, so two requests with
// the same key cannot both take it.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, c store.IdempotencyClaim) (*store.IdempotencyRecord, error) {
	for range 3 {
		var got string
		err := s.w.QueryRowContext(ctx, `INSERT INTO idempotency_keys (key_id, key, request_hash, created_at, lease_until)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (key_id, key) DO UPDATE SET request_hash = excluded.request_hash, created_at = excluded.created_at,
				lease_until = excluded.lease_until, done = 0, status = 0, body = NULL, body_size = 0, headers = ''
			WHERE (idempotency_keys.done = 1 AND idempotency_keys.created_at < ?)
			   OR (idempotency_keys.done = 0 AND idempotency_keys.lease_until < ?)
			RETURNING key_id`,
			c.KeyID, c.Key, c.RequestHash, micros(c.Now), micros(c.LeaseUntil), micros(c.ExpiredBefore), micros(c.Now)).Scan(&got)
		if err == nil {
			return nil, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return nil, wrap(err, "claim idempotency key")
		}
		rec, err := s.getIdempotency(ctx, c.KeyID, c.Key)
		if errors.Is(err, model.ErrNotFound) {
			continue // deleted between the two statements: try to take it again
		}
		return rec, err
	}
	return nil, fmt.Errorf("claim idempotency key %q: contended", c.Key)
}

func (s *Store) getIdempotency(ctx context.Context, keyID, key string) (*store.IdempotencyRecord, error) {
	rec := &store.IdempotencyRecord{KeyID: keyID, Key: key}
	var created, lease int64
	var headers string
	err := s.w.QueryRowContext(ctx, `SELECT request_hash, created_at, lease_until, done, status, content_type, body, body_size, headers
		FROM idempotency_keys WHERE key_id = ? AND key = ?`, keyID, key).
		Scan(&rec.RequestHash, &created, &lease, &rec.Done, &rec.Response.Status, &rec.Response.ContentType, &rec.Response.Body, &rec.Response.Size, &headers)
	if err != nil {
		return nil, wrap(err, "get idempotency key")
	}
	rec.CreatedAt, rec.LeaseUntil = fromMicros(created), fromMicros(lease)
	return rec, store.DecodeResponseHeaders(headers, &rec.Response)
}

// CompleteIdempotencyKey implements store.Store.
func (s *Store) CompleteIdempotencyKey(ctx context.Context, keyID, key string, resp store.IdempotentResponse) error {
	_, err := s.w.ExecContext(ctx, `UPDATE idempotency_keys SET done = 1, status = ?, content_type = ?, body = ?, body_size = ?, headers = ? WHERE key_id = ? AND key = ?`,
		resp.Status, resp.ContentType, resp.Body, resp.Size, store.EncodeResponseHeaders(resp), keyID, key)
	return wrap(err, "complete idempotency key")
}

// ReleaseIdempotencyKey implements store.Store.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, keyID, key string) error {
	_, err := s.w.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE key_id = ? AND key = ? AND done = 0`, keyID, key)
	return wrap(err, "release idempotency key")
}

// DeleteIdempotencyKeysBefore implements store.Store.
func (s *Store) DeleteIdempotencyKeysBefore(ctx context.Context, t time.Time) (int64, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`, micros(t))
	if err != nil {
		return 0, wrap(err, "delete idempotency keys")
	}
	return res.RowsAffected()
}
