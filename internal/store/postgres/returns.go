package postgres

// Returns on PostgreSQL. A return step locks the return's row FOR UPDATE, so steps of one return
// run one after the other on any node. A marketplace return is upserted under a transaction
// advisory lock on (shop, external id), as orders are, so two nodes handling the same event
// cannot both create it. An inspection's stock rows are locked as ChangeStock locks them.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

var _ store.Returns = (*Store)(nil)

const returnColumns = `id, shop_id, external_id, order_id, status, buyer_key, tracking_number, requested_at, created_at, updated_at, doc`

// UpsertReturn implements store.Returns.
func (s *Store) UpsertReturn(ctx context.Context, shopID, externalID string, fn store.ReturnUpsertFunc) (model.Return, error) {
	if err := store.CheckText("shop_id", shopID, "external_id", externalID); err != nil {
		return model.Return{}, err
	}
	var out model.Return
	err := s.inTx(ctx, "upsert return", func(tx pgx.Tx) error {
		var old *model.Return
		if externalID != "" {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(fnv64("return\x00"+shopID+"\x00"+externalID))); err != nil {
				return err
			}
			r, err := scanReturn(tx.QueryRow(ctx, `SELECT `+returnColumns+` FROM returns WHERE shop_id = $1 AND external_id = $2 FOR UPDATE`,
				shopID, externalID))
			switch {
			case err == nil:
				old = &r
			case !errors.Is(err, pgx.ErrNoRows):
				return err
			}
		}
		var in *model.Return
		if old != nil {
			c := cloneReturn(*old)
			in = &c
		}
		ch, err := fn(in)
		if err != nil {
			return err
		}
		out, err = s.writeReturn(ctx, tx, old, shopID, externalID, ch)
		return err
	})
	return out, textError(err)
}

// ChangeReturn implements store.Returns.
func (s *Store) ChangeReturn(ctx context.Context, shopIDs []string, id string, fn store.ReturnFunc) (model.Return, error) {
	if err := store.CheckScope(shopIDs, "id", id); err != nil {
		return model.Return{}, err
	}
	var out model.Return
	err := s.inTx(ctx, "change return "+id, func(tx pgx.Tx) error {
		old, err := scanReturn(tx.QueryRow(ctx, `SELECT `+returnColumns+` FROM returns WHERE id = $1 AND shop_id = ANY($2) FOR UPDATE`,
			id, shopIDs))
		if err != nil {
			return err
		}
		ch, err := fn(cloneReturn(old))
		if err != nil {
			return err
		}
		out, err = s.writeReturn(ctx, tx, &old, old.ShopID, old.ExternalID, ch)
		return err
	})
	return out, textError(err)
}

// writeReturn writes one step's change of the return old (nil: new) and returns the return as it
// then stands.
func (s *Store) writeReturn(ctx context.Context, tx pgx.Tx, old *model.Return, shopID, externalID string, ch store.ReturnChange) (model.Return, error) {
	if err := store.CheckReturnChange(old, shopID, externalID, ch); err != nil {
		return model.Return{}, err
	}
	cur := ch.Return
	if !ch.Changed {
		if old == nil {
			return model.Return{}, s.insertJobs(ctx, tx, ch.Jobs)
		}
		cur = *old
	} else {
		doc, err := store.EncodeReturn(&cur)
		if err != nil {
			return model.Return{}, err
		}
		if old == nil {
			_, err = tx.Exec(ctx, `INSERT INTO returns (`+returnColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
				cur.ID, cur.ShopID, cur.ExternalID, cur.OrderID, string(cur.Status), cur.BuyerKey, store.ReturnTracking(&cur),
				cur.RequestedAt, cur.CreatedAt, cur.UpdatedAt, doc)
			if pgCode(err) == "23503" {
				return model.Return{}, fmt.Errorf("return %s: order %s or shop %s: %w", cur.ID, cur.OrderID, cur.ShopID, model.ErrNotFound)
			}
		} else {
			_, err = tx.Exec(ctx, `UPDATE returns SET status = $1, buyer_key = $2, tracking_number = $3, requested_at = $4,
				updated_at = $5, doc = $6 WHERE id = $7`, string(cur.Status), cur.BuyerKey, store.ReturnTracking(&cur),
				cur.RequestedAt, cur.UpdatedAt, doc, cur.ID)
		}
		if err != nil {
			return model.Return{}, fmt.Errorf("write return %s: %w", cur.ID, err)
		}
	}
	if len(ch.Movements) > 0 {
		moves := ch.Movements
		if _, err := changeStockTx(ctx, tx, cur.ShopID, store.MovementKeys(moves),
			func(map[store.StockKey]model.Balance) ([]model.Movement, error) { return moves, nil }); err != nil {
			return model.Return{}, err
		}
	}
	for _, d := range ch.Documents {
		if err := insertReturnDocument(ctx, tx, cur.ID, d); err != nil {
			return model.Return{}, err
		}
	}
	return cur, s.insertJobs(ctx, tx, ch.Jobs)
}

func cloneReturn(r model.Return) model.Return {
	r.Lines = append([]model.ReturnLine(nil), r.Lines...)
	r.Photos = append([]string(nil), r.Photos...)
	r.Shipments = append([]model.ReturnShipment(nil), r.Shipments...)
	r.Inspections = append([]model.ReturnInspection(nil), r.Inspections...)
	r.Pushes = append([]model.ReturnPush(nil), r.Pushes...)
	r.History = append([]model.ReturnEvent(nil), r.History...)
	return r
}

func scanReturn(r pgx.Row) (model.Return, error) {
	var id, shop, ext, orderID, status, buyer, tracking string
	var requested, created, updated time.Time
	var doc []byte
	if err := r.Scan(&id, &shop, &ext, &orderID, &status, &buyer, &tracking, &requested, &created, &updated, &doc); err != nil {
		return model.Return{}, err
	}
	ret, err := store.DecodeReturn(doc)
	if err != nil {
		return ret, fmt.Errorf("return %s: %w", id, err)
	}
	ret.ID, ret.ShopID, ret.ExternalID, ret.OrderID, ret.Status, ret.BuyerKey = id, shop, ext, orderID, model.ReturnStatus(status), buyer
	ret.RequestedAt, ret.CreatedAt, ret.UpdatedAt = requested.UTC(), created.UTC(), updated.UTC()
	return ret, nil
}

// GetReturn implements store.Returns.
func (s *Store) GetReturn(ctx context.Context, shopIDs []string, id string) (model.Return, error) {
	if err := store.CheckScope(shopIDs, "id", id); err != nil {
		return model.Return{}, err
	}
	r, err := scanReturn(s.pool.QueryRow(ctx, `SELECT `+returnColumns+` FROM returns WHERE id = $1 AND shop_id = ANY($2)`, id, shopIDs))
	return r, wrap(err, "return "+id)
}

// GetReturnByExternalID implements store.Returns.
func (s *Store) GetReturnByExternalID(ctx context.Context, shopID, externalID string) (model.Return, error) {
	if err := store.CheckText("shop_id", shopID, "external_id", externalID); err != nil {
		return model.Return{}, err
	}
	if externalID == "" {
		return model.Return{}, fmt.Errorf("return with external id \"\": %w", model.ErrNotFound)
	}
	r, err := scanReturn(s.pool.QueryRow(ctx, `SELECT `+returnColumns+` FROM returns WHERE shop_id = $1 AND external_id = $2`, shopID, externalID))
	return r, wrap(err, fmt.Sprintf("return with external id %q", externalID))
}

// ListReturns implements store.Returns.
func (s *Store) ListReturns(ctx context.Context, q store.ReturnQuery) ([]model.Return, error) {
	if err := store.CheckReturnQuery(q); err != nil {
		return nil, err
	}
	var w where
	w.add("shop_id = ANY(%s)", q.ShopIDs)
	if len(q.Statuses) > 0 {
		st := make([]string, len(q.Statuses))
		for i, v := range q.Statuses {
			st[i] = string(v)
		}
		w.add("status = ANY(%s)", st)
	}
	if q.OrderID != "" {
		w.add("order_id = %s", q.OrderID)
	}
	if q.TrackingNumber != "" {
		// The indexed column holds the live label's number; an older label's is in the document.
		p := w.arg(q.TrackingNumber)
		w.cond = append(w.cond, "(tracking_number = "+p+" OR (tracking_number <> '' AND doc->'shipments' @> jsonb_build_array(jsonb_build_object('tracking_number', "+p+"::text))))")
	}
	if !q.RequestedFrom.IsZero() {
		w.add("requested_at >= %s", q.RequestedFrom)
	}
	if !q.RequestedTo.IsZero() {
		w.add("requested_at < %s", q.RequestedTo)
	}
	if q.After != nil {
		w.add("(created_at, id) > (%s, %s)", q.After.ModifiedAt, q.After.ID)
	}
	limit := w.arg(limitOf(q.Limit))
	rows, err := s.pool.Query(ctx, `SELECT `+returnColumns+` FROM returns WHERE `+w.String()+` ORDER BY created_at, id LIMIT `+limit, w.args...)
	if err != nil {
		return nil, wrap(err, "list returns")
	}
	out, err := collect(rows, scanReturn)
	return out, wrap(err, "list returns")
}

// CountBuyerReturns implements store.Returns.
func (s *Store) CountBuyerReturns(ctx context.Context, shopID, buyerKey string, from, to time.Time, exceptID string) (int, error) {
	if err := store.CheckText("shop_id", shopID, "buyer_key", buyerKey, "id", exceptID); err != nil {
		return 0, err
	}
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM returns WHERE shop_id = $1 AND buyer_key = $2 AND requested_at >= $3
		AND requested_at < $4 AND id <> $5`, shopID, buyerKey, from, to, exceptID).Scan(&n)
	return n, wrap(err, "count buyer returns")
}

// GetReturnLabelDocument implements store.Returns.
func (s *Store) GetReturnLabelDocument(ctx context.Context, shopIDs []string, returnID, shipmentID, format string, dpi int) (model.LabelDocument, error) {
	if err := store.CheckScope(shopIDs, "return_id", returnID, "shipment_id", shipmentID, "format", format); err != nil {
		return model.LabelDocument{}, err
	}
	d, err := scanDocument(s.pool.QueryRow(ctx, `SELECT `+prefixed("d.", documentColumns)+` FROM return_label_documents d
		JOIN returns r ON r.id = d.return_id
		WHERE d.return_id = $1 AND d.shipment_id = $2 AND d.format = $3 AND d.dpi = $4 AND r.shop_id = ANY($5)`,
		returnID, shipmentID, format, dpi, shopIDs))
	return d, wrap(err, fmt.Sprintf("label %s at %d dpi of return %s", format, dpi, returnID))
}

// PutReturnLabelDocument implements store.Returns.
func (s *Store) PutReturnLabelDocument(ctx context.Context, returnID string, d model.LabelDocument) (model.LabelDocument, error) {
	if err := store.CheckLabelDocument(d); err != nil {
		return model.LabelDocument{}, err
	}
	if err := store.CheckText("return_id", returnID); err != nil {
		return model.LabelDocument{}, err
	}
	var out model.LabelDocument
	err := s.inTx(ctx, fmt.Sprintf("put label %s at %d dpi of return %s", d.Format, d.DPI, returnID), func(tx pgx.Tx) error {
		if err := insertReturnDocument(ctx, tx, returnID, d); err != nil {
			return err
		}
		var err error
		// Read back by the return too: a document of another return's label is not this one's.
		out, err = scanDocument(tx.QueryRow(ctx, `SELECT `+documentColumns+` FROM return_label_documents
			WHERE return_id = $1 AND shipment_id = $2 AND format = $3 AND dpi = $4`, returnID, d.ShipmentID, d.Format, d.DPI))
		return err
	})
	return out, err
}

func insertReturnDocument(ctx context.Context, tx pgx.Tx, returnID string, d model.LabelDocument) error {
	_, err := tx.Exec(ctx, `INSERT INTO return_label_documents (return_id, `+documentColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (shipment_id, format, dpi) DO NOTHING`, append([]any{returnID}, documentArgs(d)...)...)
	if pgCode(err) == "23503" {
		return fmt.Errorf("return %s: %w", returnID, model.ErrNotFound)
	}
	return err
}

// GetReturnRules implements store.Returns.
func (s *Store) GetReturnRules(ctx context.Context, shopID string) (model.ReturnRules, error) {
	if err := store.CheckText("shop_id", shopID); err != nil {
		return model.ReturnRules{}, err
	}
	var doc []byte
	var updated time.Time
	if err := s.pool.QueryRow(ctx, `SELECT doc, updated_at FROM return_rules WHERE shop_id = $1`, shopID).Scan(&doc, &updated); err != nil {
		return model.ReturnRules{}, wrap(err, "return rules of shop "+shopID)
	}
	return store.DecodeReturnRules(shopID, doc, updated.UTC())
}

// PutReturnRules implements store.Returns.
func (s *Store) PutReturnRules(ctx context.Context, r model.ReturnRules) error {
	doc, err := store.EncodeReturnRules(&r)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO return_rules (shop_id, doc, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (shop_id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at`, r.ShopID, doc, r.UpdatedAt)
	if pgCode(err) == "23503" {
		return fmt.Errorf("return rules: shop %s: %w", r.ShopID, model.ErrNotFound)
	}
	return wrap(textError(err), "put return rules of shop "+r.ShopID)
}

// ShippedUnits implements store.Returns.
func (s *Store) ShippedUnits(ctx context.Context, shopIDs []string, from, to time.Time) (map[string]int64, error) {
	if err := store.CheckScope(shopIDs); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT sku, sum(quantity)::bigint FROM stock_movements WHERE shop_id = ANY($1) AND kind = 'ship'
		AND at >= $2 AND at < $3 GROUP BY sku`, shopIDs, from, to)
	if err != nil {
		return nil, wrap(err, "shipped units")
	}
	out, err := sumRows(rows)
	return out, wrap(err, "shipped units")
}

// LabelledShipments implements store.Returns.
func (s *Store) LabelledShipments(ctx context.Context, shopIDs []string, from, to time.Time) (map[string]int64, error) {
	if err := store.CheckScope(shopIDs); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT carrier, count(*) FROM shipments WHERE shop_id = ANY($1)
		AND status NOT IN ('created', 'voided', 'failed') AND purchased_at >= $2 AND purchased_at < $3 GROUP BY carrier`, shopIDs, from, to)
	if err != nil {
		return nil, wrap(err, "labelled shipments")
	}
	out, err := sumRows(rows)
	return out, wrap(err, "labelled shipments")
}

func sumRows(rows pgx.Rows) (map[string]int64, error) {
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}
