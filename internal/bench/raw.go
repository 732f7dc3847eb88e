package bench

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"lastmile/internal/app"
	"lastmile/internal/ident"
	"lastmile/internal/model"
	"lastmile/internal/store"
	"lastmile/internal/store/postgres"
	"lastmile/internal/store/sqlite"
)

var rawColumns = []string{"id", "shop_id", "external_id", "market", "currency", "status", "created_at", "paid_at",
	"updated_at", "confirmed_at", "received_at", "modified_at", "version", "doc", "needs_attention"}

// rawInsert writes the same rows as the API would (same columns, same JSON documents) with the
// driver's fastest plain path: a prepared INSERT per row in one transaction per batch on SQLite,
// COPY on PostgreSQL. No validation, no merge, no HTTP: the ceiling for ingest.
func rawInsert(ctx context.Context, db string, orders []model.Order, batch int) (throughput, error) {
	st, err := app.OpenStore(ctx, db, true, slog.New(slog.DiscardHandler))
	if err != nil {
		return throughput{}, err
	}
	defer st.Close()
	now := time.Now().UTC()
	shop := model.Shop{ID: ident.New("shop", now), Name: "raw", Market: "US", TimeZone: "America/Los_Angeles", CreatedAt: now}
	if err := st.CreateShop(ctx, shop); err != nil {
		return throughput{}, err
	}
	rows := make([]model.Order, len(orders))
	docs := make([]string, len(orders))
	ids := ident.NewGenerator()
	for i, o := range orders {
		o.ID, o.ShopID, o.ReceivedAt, o.ModifiedAt, o.Version = ids.New("ord", now), shop.ID, now, now, 1
		o.History = []model.Event{{At: now, Kind: model.EventCreated, To: o.Status, Cause: "api"}}
		rows[i] = o
	}
	start, cpu0 := time.Now(), cpuTime()
	for i := range rows {
		// Encoding the document is part of any insert of these rows.
		d, err := store.EncodeOrderDoc(&rows[i])
		if err != nil {
			return throughput{}, err
		}
		docs[i] = string(d)
	}
	switch s := st.(type) {
	case *sqlite.Store:
		err = rawSQLite(ctx, s, rows, docs, batch)
	case *postgres.Store:
		err = rawPostgres(ctx, s, rows, docs, batch)
	default:
		err = fmt.Errorf("no raw path for %T", st)
	}
	if err != nil {
		return throughput{}, err
	}
	return measured(len(rows), start, cpu0), nil
}

// rawSQLite inserts with multi-row INSERT statements of 64 rows, prepared once per transaction:
// the fastest plain path database/sql offers on SQLite.
func rawSQLite(ctx context.Context, s *sqlite.Store, rows []model.Order, docs []string, batch int) error {
	const perStmt = 64
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(rawColumns)), ", ") + ")"
	q := func(n int) string {
		return `INSERT INTO orders (` + strings.Join(rawColumns, ", ") + `) VALUES ` + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
	}
	micros := func(t *time.Time) any {
		if t == nil {
			return nil
		}
		return t.UnixMicro()
	}
	args := make([]any, 0, perStmt*len(rawColumns))
	for i := 0; i < len(rows); i += batch {
		tx, err := s.DB().BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		full, err := tx.PrepareContext(ctx, q(perStmt))
		if err != nil {
			tx.Rollback()
			return err
		}
		end := min(i+batch, len(rows))
		for j := i; j < end; j += perStmt {
			args = args[:0]
			n := min(perStmt, end-j)
			for k := j; k < j+n; k++ {
				o := &rows[k]
				args = append(args, o.ID, o.ShopID, o.ExternalID, string(o.Market), o.Currency, string(o.Status),
					o.CreatedAt.UnixMicro(), micros(o.PaidAt), o.UpdatedAt.UnixMicro(), micros(o.ConfirmedAt),
					o.ReceivedAt.UnixMicro(), o.ModifiedAt.UnixMicro(), o.Version, docs[k], o.NeedsAttention)
			}
			if n == perStmt {
				_, err = full.ExecContext(ctx, args...)
			} else {
				_, err = tx.ExecContext(ctx, q(n), args...)
			}
			if err != nil {
				tx.Rollback()
				return err
			}
		}
		full.Close()
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

func rawPostgres(ctx context.Context, s *postgres.Store, rows []model.Order, docs []string, batch int) error {
	for i := 0; i < len(rows); i += batch {
		chunk := rows[i:min(i+batch, len(rows))]
		_, err := s.Pool().CopyFrom(ctx, pgx.Identifier{"orders"}, rawColumns, pgx.CopyFromSlice(len(chunk), func(j int) ([]any, error) {
			o := &chunk[j]
			return []any{o.ID, o.ShopID, o.ExternalID, string(o.Market), o.Currency, string(o.Status), o.CreatedAt, o.PaidAt,
				o.UpdatedAt, o.ConfirmedAt, o.ReceivedAt, o.ModifiedAt, o.Version, []byte(docs[i+j]), o.NeedsAttention}, nil
		}))
		if err != nil {
			return err
		}
	}
	return nil
}
