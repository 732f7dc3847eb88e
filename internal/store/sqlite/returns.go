package sqlite

// Returns on SQLite: every write runs on the one writer connection (BEGIN IMMEDIATE), so a
// return step holds the return, and the stock rows its inspection moves, from its first read to
// its commit.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

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
	err := s.inTx(ctx, "upsert return", func(tx *sql.Tx) error {
		var old *model.Return
		if externalID != "" {
			r, err := scanReturn(tx.QueryRowContext(ctx, `SELECT `+returnColumns+` FROM returns WHERE shop_id = ? AND external_id = ?`,
				shopID, externalID))
			switch {
			case err == nil:
				old = &r
			case !errors.Is(err, sql.ErrNoRows):
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
	return out, err
}

// ChangeReturn implements store.Returns.
func (s *Store) ChangeReturn(ctx context.Context, shopIDs []string, id string, fn store.ReturnFunc) (model.Return, error) {
	if err := store.CheckScope(shopIDs, "id", id); err != nil {
		return model.Return{}, err
	}
	var out model.Return
	err := s.inTx(ctx, "change return "+id, func(tx *sql.Tx) error {
		old, err := getReturn(ctx, tx, shopIDs, id)
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
	return out, err
}

// writeReturn writes one step's change of the return old (nil: new) and returns the return as it
// then stands.
func (s *Store) writeReturn(ctx context.Context, tx *sql.Tx, old *model.Return, shopID, externalID string, ch store.ReturnChange) (model.Return, error) {
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
			_, err = tx.ExecContext(ctx, `INSERT INTO returns (`+returnColumns+`) VALUES (`+placeholders(11)+`)`,
				cur.ID, cur.ShopID, cur.ExternalID, cur.OrderID, string(cur.Status), cur.BuyerKey, store.ReturnTracking(&cur),
				micros(cur.RequestedAt), micros(cur.CreatedAt), micros(cur.UpdatedAt), string(doc))
			if isForeignKey(err) {
				return model.Return{}, fmt.Errorf("return %s: order %s or shop %s: %w", cur.ID, cur.OrderID, cur.ShopID, model.ErrNotFound)
			}
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE returns SET status = ?, buyer_key = ?, tracking_number = ?, requested_at = ?,
				updated_at = ?, doc = ? WHERE id = ?`, string(cur.Status), cur.BuyerKey, store.ReturnTracking(&cur),
				micros(cur.RequestedAt), micros(cur.UpdatedAt), string(doc), cur.ID)
		}
		if err != nil {
			return model.Return{}, fmt.Errorf("write return %s: %w", cur.ID, err)
		}
	}
	if len(ch.Movements) > 0 {
		keys := store.MovementKeys(ch.Movements)
		if err := checkWarehouses(ctx, tx, cur.ShopID, keys); err != nil {
			return model.Return{}, err
		}
		balances, stamps, err := loadBalances(ctx, tx, keys)
		if err != nil {
			return model.Return{}, err
		}
		entries, err := store.LedgerEntries(cur.ShopID, balances, ch.Movements)
		if err != nil {
			return model.Return{}, err
		}
		if err := writeLedger(ctx, tx, entries, stamps); err != nil {
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

func scanReturn(r scanner) (model.Return, error) {
	var id, shop, ext, orderID, status, buyer, tracking string
	var requested, created, updated int64
	var doc []byte
	if err := r.Scan(&id, &shop, &ext, &orderID, &status, &buyer, &tracking, &requested, &created, &updated, &doc); err != nil {
		return model.Return{}, err
	}
	ret, err := store.DecodeReturn(doc)
	if err != nil {
		return ret, fmt.Errorf("return %s: %w", id, err)
	}
	ret.ID, ret.ShopID, ret.ExternalID, ret.OrderID, ret.Status, ret.BuyerKey = id, shop, ext, orderID, model.ReturnStatus(status), buyer
	ret.RequestedAt, ret.CreatedAt, ret.UpdatedAt = fromMicros(requested), fromMicros(created), fromMicros(updated)
	return ret, nil
}

func getReturn(ctx context.Context, q querier, shopIDs []string, id string) (model.Return, error) {
	if len(shopIDs) == 0 {
		return model.Return{}, fmt.Errorf("return %s: %w", id, model.ErrNotFound)
	}
	cond, args := inShops("shop_id", shopIDs, []any{id})
	r, err := scanReturn(q.QueryRowContext(ctx, `SELECT `+returnColumns+` FROM returns WHERE id = ? AND `+cond, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("return %s: %w", id, model.ErrNotFound)
	}
	return r, err
}

// GetReturn implements store.Returns.
func (s *Store) GetReturn(ctx context.Context, shopIDs []string, id string) (model.Return, error) {
	if err := store.CheckScope(shopIDs, "id", id); err != nil {
		return model.Return{}, err
	}
	r, err := getReturn(ctx, s.r, shopIDs, id)
	return r, wrap(err, "get return")
}

// GetReturnByExternalID implements store.Returns.
func (s *Store) GetReturnByExternalID(ctx context.Context, shopID, externalID string) (model.Return, error) {
	if err := store.CheckText("shop_id", shopID, "external_id", externalID); err != nil {
		return model.Return{}, err
	}
	if externalID == "" {
		return model.Return{}, fmt.Errorf("return with external id \"\": %w", model.ErrNotFound)
	}
	r, err := scanReturn(s.r.QueryRowContext(ctx, `SELECT `+returnColumns+` FROM returns WHERE shop_id = ? AND external_id = ?`, shopID, externalID))
	return r, wrap(err, fmt.Sprintf("return with external id %q", externalID))
}

// ListReturns implements store.Returns.
func (s *Store) ListReturns(ctx context.Context, q store.ReturnQuery) ([]model.Return, error) {
	if err := store.CheckReturnQuery(q); err != nil {
		return nil, err
	}
	if len(q.ShopIDs) == 0 {
		return nil, nil
	}
	cond, args := inShops("shop_id", q.ShopIDs, nil)
	where := []string{cond}
	add := func(c string, v ...any) {
		where = append(where, c)
		args = append(args, v...)
	}
	if len(q.Statuses) > 0 {
		st := make([]any, len(q.Statuses))
		for i, v := range q.Statuses {
			st[i] = string(v)
		}
		add(`status IN (`+placeholders(len(st))+`)`, st...)
	}
	if q.OrderID != "" {
		add(`order_id = ?`, q.OrderID)
	}
	if q.TrackingNumber != "" {
		// The indexed column holds the live label's number; an older label's is in the document.
		add(`(tracking_number = ? OR (tracking_number <> '' AND EXISTS (SELECT 1 FROM json_each(doc, '$.shipments') j
			WHERE json_extract(j.value, '$.tracking_number') = ?)))`, q.TrackingNumber, q.TrackingNumber)
	}
	if !q.RequestedFrom.IsZero() {
		add(`requested_at >= ?`, micros(q.RequestedFrom))
	}
	if !q.RequestedTo.IsZero() {
		add(`requested_at < ?`, micros(q.RequestedTo))
	}
	if q.After != nil {
		at := micros(q.After.ModifiedAt)
		add(`(created_at > ? OR (created_at = ? AND id > ?))`, at, at, q.After.ID)
	}
	args = append(args, limitOf(q.Limit))
	rows, err := s.r.QueryContext(ctx, `SELECT `+returnColumns+` FROM returns WHERE `+strings.Join(where, " AND ")+
		` ORDER BY created_at, id LIMIT ?`, args...)
	if err != nil {
		return nil, wrap(err, "list returns")
	}
	out, err := scanAll(rows, scanReturn)
	return out, wrap(err, "list returns")
}

// CountBuyerReturns implements store.Returns.
func (s *Store) CountBuyerReturns(ctx context.Context, shopID, buyerKey string, from, to time.Time, exceptID string) (int, error) {
	if err := store.CheckText("shop_id", shopID, "buyer_key", buyerKey, "id", exceptID); err != nil {
		return 0, err
	}
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM returns WHERE shop_id = ? AND buyer_key = ? AND requested_at >= ?
		AND requested_at < ? AND id <> ?`, shopID, buyerKey, micros(from), micros(to), exceptID).Scan(&n)
	return n, wrap(err, "count buyer returns")
}

// GetReturnLabelDocument implements store.Returns.
func (s *Store) GetReturnLabelDocument(ctx context.Context, shopIDs []string, returnID, shipmentID, format string, dpi int) (model.LabelDocument, error) {
	if err := store.CheckScope(shopIDs, "return_id", returnID, "shipment_id", shipmentID, "format", format); err != nil {
		return model.LabelDocument{}, err
	}
	what := fmt.Sprintf("label %s at %d dpi of return %s", format, dpi, returnID)
	if len(shopIDs) == 0 {
		return model.LabelDocument{}, fmt.Errorf("%s: %w", what, model.ErrNotFound)
	}
	cond, args := inShops("r.shop_id", shopIDs, []any{returnID, shipmentID, format, dpi})
	d, err := scanDocument(s.r.QueryRowContext(ctx, `SELECT `+prefixed("d.", documentColumns)+` FROM return_label_documents d
		JOIN returns r ON r.id = d.return_id WHERE d.return_id = ? AND d.shipment_id = ? AND d.format = ? AND d.dpi = ? AND `+cond, args...))
	return d, wrap(err, what)
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
	err := s.inTx(ctx, fmt.Sprintf("put label %s at %d dpi of return %s", d.Format, d.DPI, returnID), func(tx *sql.Tx) error {
		if err := insertReturnDocument(ctx, tx, returnID, d); err != nil {
			return err
		}
		var err error
		// Read back by the return too: a document of another return's label is not this one's.
		out, err = scanDocument(tx.QueryRowContext(ctx, `SELECT `+documentColumns+` FROM return_label_documents
			WHERE return_id = ? AND shipment_id = ? AND format = ? AND dpi = ?`, returnID, d.ShipmentID, d.Format, d.DPI))
		return err
	})
	return out, err
}

func insertReturnDocument(ctx context.Context, tx *sql.Tx, returnID string, d model.LabelDocument) error {
	content := d.Content
	if content == nil {
		content = []byte{}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO return_label_documents (return_id, `+documentColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (shipment_id, format, dpi) DO NOTHING`, returnID, d.ShipmentID, d.Format, d.DPI, d.ContentType, content, micros(d.CreatedAt))
	if isForeignKey(err) {
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
	var updated int64
	err := s.r.QueryRowContext(ctx, `SELECT doc, updated_at FROM return_rules WHERE shop_id = ?`, shopID).Scan(&doc, &updated)
	if err != nil {
		return model.ReturnRules{}, wrap(err, "return rules of shop "+shopID)
	}
	return store.DecodeReturnRules(shopID, doc, fromMicros(updated))
}

// PutReturnRules implements store.Returns.
func (s *Store) PutReturnRules(ctx context.Context, r model.ReturnRules) error {
	doc, err := store.EncodeReturnRules(&r)
	if err != nil {
		return err
	}
	_, err = s.w.ExecContext(ctx, `INSERT INTO return_rules (shop_id, doc, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (shop_id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at`, r.ShopID, string(doc), micros(r.UpdatedAt))
	if isForeignKey(err) {
		return fmt.Errorf("return rules: shop %s: %w", r.ShopID, model.ErrNotFound)
	}
	return wrap(err, "put return rules of shop "+r.ShopID)
}

// ShippedUnits implements store.Returns.
func (s *Store) ShippedUnits(ctx context.Context, shopIDs []string, from, to time.Time) (map[string]int64, error) {
	out := map[string]int64{}
	if err := store.CheckScope(shopIDs); err != nil || len(shopIDs) == 0 {
		return out, err
	}
	cond, args := inShops("shop_id", shopIDs, nil)
	args = append(args, micros(from), micros(to))
	rows, err := s.r.QueryContext(ctx, `SELECT sku, sum(quantity) FROM stock_movements WHERE `+cond+` AND kind = 'ship'
		AND at >= ? AND at < ? GROUP BY sku`, args...)
	if err != nil {
		return nil, wrap(err, "shipped units")
	}
	return out, wrap(sumRows(rows, out), "shipped units")
}

// LabelledShipments implements store.Returns.
func (s *Store) LabelledShipments(ctx context.Context, shopIDs []string, from, to time.Time) (map[string]int64, error) {
	out := map[string]int64{}
	if err := store.CheckScope(shopIDs); err != nil || len(shopIDs) == 0 {
		return out, err
	}
	cond, args := inShops("shop_id", shopIDs, nil)
	args = append(args, micros(from), micros(to))
	rows, err := s.r.QueryContext(ctx, `SELECT carrier, count(*) FROM shipments WHERE `+cond+` AND status NOT IN ('created', 'voided', 'failed')
		AND purchased_at >= ? AND purchased_at < ? GROUP BY carrier`, args...)
	if err != nil {
		return nil, wrap(err, "labelled shipments")
	}
	return out, wrap(sumRows(rows, out), "labelled shipments")
}

func sumRows(rows *sql.Rows, out map[string]int64) error {
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return err
		}
		out[k] = n
	}
	return rows.Err()
}
