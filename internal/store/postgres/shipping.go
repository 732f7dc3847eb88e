package postgres

// Shipping on PostgreSQL. A shipping step locks its order row FOR UPDATE, as UpdateOrder and the
// allocation steps do, so steps of one order run one after the other on any node; it then locks
// the order's shipment rows (in id order, FOR NO KEY UPDATE) against the manifest methods,
// which change many orders' shipments without their orders and lock those rows in the same
// order. The schema's partial unique index on live shipments refuses a second one for a package
// whatever a step decided.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

var _ store.Shipping = (*Store)(nil)

const packageColumns = `id, shop_id, order_id, warehouse_id, mode, box, weight_g, length_mm, width_mm, height_mm, lines, cod, created_at`

const shipmentColumns = `id, shop_id, order_id, package_id, status, mode, carrier, service, tracking_number,
	carrier_shipment_id, label_format, quote, cost, failure, manifest_id, batch_id, created_at, purchased_at, voided_at, updated_at`

// ChangeShipping implements store.Shipping.
func (s *Store) ChangeShipping(ctx context.Context, shopIDs []string, orderID string, fn store.ShippingFunc) (store.ShippingState, error) {
	var out store.ShippingState
	if err := store.CheckScope(shopIDs, "order_id", orderID); err != nil {
		return out, err
	}
	err := s.inTx(ctx, "change shipping of order "+orderID, func(tx pgx.Tx) error {
		st, err := loadShipping(ctx, tx, shopIDs, orderID, true)
		if err != nil {
			return err
		}
		ch, err := fn(st.Clone())
		if err != nil {
			return err
		}
		if ch.Empty() {
			out = st
			return nil
		}
		if err := store.CheckShippingChange(st, ch); err != nil {
			return err
		}
		if ch.OrderChanged {
			if err := updateOrders(ctx, tx, []model.Order{ch.Order}); err != nil {
				return err
			}
			if err := s.orderEvents(ctx, tx, store.OrderWrites{Updated: []model.Order{ch.Order}}); err != nil {
				return err
			}
		}
		if err := writeShipping(ctx, tx, st, ch); err != nil {
			return err
		}
		if err := s.insertJobs(ctx, tx, ch.Jobs); err != nil {
			return err
		}
		out, err = loadShipping(ctx, tx, shopIDs, orderID, false)
		return err
	})
	if err != nil {
		return store.ShippingState{}, textError(err)
	}
	return out, nil
}

// textError backs up the drivers' text checks: text PostgreSQL cannot keep (a NUL byte, a
// "\u0000" escape in jsonb) that reached it anyway is the caller's input, not a server fault.
func textError(err error) error {
	switch pgCode(err) {
	case "22021", "22P05": // character_not_in_repertoire, untranslatable_character
		return fmt.Errorf("%w: %w", err, model.ErrInvalid)
	}
	return err
}

// loadShipping reads the order (locked when lock is set, with its shipments), its allocation,
// packages and shipments, in one round trip.
func loadShipping(ctx context.Context, tx pgx.Tx, shopIDs []string, orderID string, lock bool) (store.ShippingState, error) {
	var st store.ShippingState
	forUpdate := ""
	if lock {
		forUpdate = " FOR UPDATE"
	}
	var b pgx.Batch
	b.Queue(`SELECT `+orderColumns+` FROM orders WHERE id = $1 AND shop_id = ANY($2)`+forUpdate, orderID, shopIDs)
	if lock {
		b.Queue(`SELECT id FROM shipments WHERE order_id = $1 ORDER BY id FOR NO KEY UPDATE`, orderID)
	}
	b.Queue(`SELECT `+allocationColumns+` FROM allocations WHERE order_id = $1`, orderID)
	b.Queue(`SELECT `+packageColumns+` FROM packages WHERE order_id = $1 ORDER BY seq`, orderID)
	b.Queue(`SELECT `+shipmentColumns+` FROM shipments WHERE order_id = $1 ORDER BY seq`, orderID)
	br := tx.SendBatch(ctx, &b)
	defer br.Close()
	o, err := scanOrder(br.QueryRow())
	if err != nil {
		return st, wrap(err, "order "+orderID)
	}
	st.Order = o
	if lock {
		if _, err := br.Exec(); err != nil {
			return st, err
		}
	}
	a, err := scanAllocation(br.QueryRow())
	switch {
	case err == nil:
		st.Allocation = &a
	case !errors.Is(err, pgx.ErrNoRows):
		return st, err
	}
	rows, err := br.Query()
	if err != nil {
		return st, err
	}
	if st.Packages, err = collect(rows, scanPackage); err != nil {
		return st, err
	}
	rows, err = br.Query()
	if err != nil {
		return st, err
	}
	if st.Shipments, err = collect(rows, scanShipment); err != nil {
		return st, err
	}
	return st, br.Close()
}

// writeShipping writes a step's packages, shipments, documents and batch item in one round trip.
func writeShipping(ctx context.Context, tx pgx.Tx, st store.ShippingState, ch store.ShippingChange) error {
	var b pgx.Batch
	var what []string
	queue := func(desc, sql string, args ...any) {
		b.Queue(sql, args...)
		what = append(what, desc)
	}
	for _, p := range ch.NewPackages {
		lines, err := json.Marshal(p.Lines)
		if err != nil {
			return fmt.Errorf("encode package %s: %w", p.ID, err)
		}
		cod, err := jsonOrNull(p.COD)
		if err != nil {
			return fmt.Errorf("encode package %s: %w", p.ID, err)
		}
		queue("insert package "+p.ID, `INSERT INTO packages (`+packageColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			p.ID, p.ShopID, p.OrderID, p.WarehouseID, string(p.Mode), p.Box, p.WeightG, p.LengthMM, p.WidthMM, p.HeightMM, lines, cod, p.CreatedAt)
	}
	for _, w := range store.ShipmentWrites(st, ch.Shipments) {
		sh := w.Shipment
		quote, err := jsonOrNull(sh.Quote)
		if err != nil {
			return fmt.Errorf("encode quote of shipment %s: %w", sh.ID, err)
		}
		cost, err := jsonOrNull(sh.Cost)
		if err != nil {
			return fmt.Errorf("encode cost of shipment %s: %w", sh.ID, err)
		}
		failure, err := jsonOrNull(sh.Failure)
		if err != nil {
			return fmt.Errorf("encode failure of shipment %s: %w", sh.ID, err)
		}
		desc := fmt.Sprintf("write shipment %s (%s) of package %s", sh.ID, sh.Status, sh.PackageID)
		if w.Exists {
			queue(desc, `UPDATE shipments SET status = $1, mode = $2, carrier = $3, service = $4, tracking_number = $5,
				carrier_shipment_id = $6, label_format = $7, quote = $8, cost = $9, failure = $10, manifest_id = $11, batch_id = $12,
				purchased_at = $13, voided_at = $14, updated_at = $15 WHERE id = $16`,
				string(sh.Status), string(sh.Mode), sh.Carrier, sh.Service, sh.TrackingNumber, sh.CarrierShipmentID, sh.LabelFormat,
				quote, cost, failure, sh.ManifestID, sh.BatchID, sh.PurchasedAt, sh.VoidedAt, sh.UpdatedAt, sh.ID)
		} else {
			queue(desc, `INSERT INTO shipments (`+shipmentColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
				$11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
				sh.ID, sh.ShopID, sh.OrderID, sh.PackageID, string(sh.Status), string(sh.Mode), sh.Carrier, sh.Service,
				sh.TrackingNumber, sh.CarrierShipmentID, sh.LabelFormat, quote, cost, failure, sh.ManifestID, sh.BatchID,
				sh.CreatedAt, sh.PurchasedAt, sh.VoidedAt, sh.UpdatedAt)
		}
	}
	for _, d := range ch.Documents {
		queue(fmt.Sprintf("store label %s at %d dpi of shipment %s", d.Format, d.DPI, d.ShipmentID), insertDocumentSQL, documentArgs(d)...)
	}
	itemAt := -1
	if it := ch.BatchItem; it != nil {
		args, err := batchItemArgs(it)
		if err != nil {
			return err
		}
		itemAt = b.Len()
		queue(fmt.Sprintf("record item %d of batch %s", it.Seq, it.BatchID), updateBatchItemSQL, args...)
	}
	if b.Len() == 0 {
		return nil
	}
	br := tx.SendBatch(ctx, &b)
	defer br.Close()
	for i, desc := range what {
		tag, err := br.Exec()
		if err != nil {
			return fmt.Errorf("%s: %w", desc, err)
		}
		if i == itemAt && tag.RowsAffected() == 0 {
			it := ch.BatchItem
			return fmt.Errorf("item %d of batch %s for order %s: %w", it.Seq, it.BatchID, it.OrderID, model.ErrNotFound)
		}
	}
	return br.Close()
}

// jsonOrNull returns v as JSON for a jsonb parameter, or nil (NULL) when v is a nil pointer.
func jsonOrNull[T any](v *T) (any, error) {
	if v == nil {
		return nil, nil
	}
	return json.Marshal(v)
}

// fromJSON decodes a nullable jsonb column into a new value, nil when NULL.
func fromJSON[T any](col []byte, what string) (*T, error) {
	if col == nil {
		return nil, nil
	}
	v := new(T)
	if err := json.Unmarshal(col, v); err != nil {
		return nil, fmt.Errorf("decode %s: %w", what, err)
	}
	return v, nil
}

func collect[T any](rows pgx.Rows, scan func(pgx.Row) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func scanPackage(r pgx.Row) (model.Package, error) {
	var p model.Package
	var lines, cod []byte
	if err := r.Scan(&p.ID, &p.ShopID, &p.OrderID, &p.WarehouseID, &p.Mode, &p.Box, &p.WeightG, &p.LengthMM, &p.WidthMM,
		&p.HeightMM, &lines, &cod, &p.CreatedAt); err != nil {
		return p, err
	}
	if cod != nil {
		if err := json.Unmarshal(cod, &p.COD); err != nil {
			return p, fmt.Errorf("decode cod of package %s: %w", p.ID, err)
		}
	}
	p.CreatedAt = p.CreatedAt.UTC()
	if err := json.Unmarshal(lines, &p.Lines); err != nil {
		return p, fmt.Errorf("decode lines of package %s: %w", p.ID, err)
	}
	return p, nil
}

func scanShipment(r pgx.Row) (model.Shipment, error) {
	var sh model.Shipment
	var quote, cost, failure []byte
	if err := r.Scan(&sh.ID, &sh.ShopID, &sh.OrderID, &sh.PackageID, &sh.Status, &sh.Mode, &sh.Carrier, &sh.Service,
		&sh.TrackingNumber, &sh.CarrierShipmentID, &sh.LabelFormat, &quote, &cost, &failure, &sh.ManifestID, &sh.BatchID,
		&sh.CreatedAt, &sh.PurchasedAt, &sh.VoidedAt, &sh.UpdatedAt); err != nil {
		return sh, err
	}
	sh.CreatedAt, sh.UpdatedAt = sh.CreatedAt.UTC(), sh.UpdatedAt.UTC()
	sh.PurchasedAt, sh.VoidedAt = utcPtr(sh.PurchasedAt), utcPtr(sh.VoidedAt)
	var err error
	if sh.Quote, err = fromJSON[model.Cost](quote, "quote of shipment "+sh.ID); err != nil {
		return sh, err
	}
	if sh.Cost, err = fromJSON[model.Cost](cost, "cost of shipment "+sh.ID); err != nil {
		return sh, err
	}
	sh.Failure, err = fromJSON[model.FieldError](failure, "failure of shipment "+sh.ID)
	return sh, err
}

// GetShipment implements store.Shipping.
func (s *Store) GetShipment(ctx context.Context, shopIDs []string, id string) (model.Shipment, error) {
	if err := store.CheckScope(shopIDs, "id", id); err != nil {
		return model.Shipment{}, err
	}
	sh, err := scanShipment(s.pool.QueryRow(ctx, `SELECT `+shipmentColumns+` FROM shipments WHERE id = $1 AND shop_id = ANY($2)`, id, shopIDs))
	return sh, wrap(err, "shipment "+id)
}

// GetShipmentByTracking implements store.Shipping.
func (s *Store) GetShipmentByTracking(ctx context.Context, shopIDs []string, carrier, trackingNumber string) (model.Shipment, error) {
	if err := store.CheckScope(shopIDs, "carrier", carrier, "tracking_number", trackingNumber); err != nil {
		return model.Shipment{}, err
	}
	what := fmt.Sprintf("shipment with tracking number %q", trackingNumber)
	if trackingNumber == "" {
		return model.Shipment{}, fmt.Errorf("%s: %w", what, model.ErrNotFound)
	}
	sh, err := scanShipment(s.pool.QueryRow(ctx, `SELECT `+shipmentColumns+` FROM shipments
		WHERE tracking_number = $1 AND shop_id = ANY($2) AND ($3 = '' OR carrier = $3)
		ORDER BY status IN ('voided', 'failed'), created_at DESC, seq DESC LIMIT 1`, trackingNumber, shopIDs, carrier))
	return sh, wrap(err, what)
}

// ListShipments implements store.Shipping.
func (s *Store) ListShipments(ctx context.Context, q store.ShipmentQuery) ([]model.Shipment, error) {
	if err := store.CheckShipmentQuery(q); err != nil {
		return nil, err
	}
	if len(q.ShopIDs) == 0 {
		return nil, nil
	}
	from := `shipments s`
	var w where
	w.add("s.shop_id = ANY(%s)", q.ShopIDs)
	if q.OrderID != "" {
		w.add("s.order_id = %s", q.OrderID)
	}
	if len(q.Statuses) > 0 {
		st := make([]string, len(q.Statuses))
		for i, v := range q.Statuses {
			st[i] = string(v)
		}
		w.add("s.status = ANY(%s)", st)
	}
	if q.Carrier != "" {
		w.add("s.carrier = %s", q.Carrier)
	}
	if q.WarehouseID != "" {
		from += ` JOIN packages p ON p.id = s.package_id`
		w.add("p.warehouse_id = %s", q.WarehouseID)
	}
	if q.BatchID != "" {
		w.add("s.batch_id = %s", q.BatchID)
	}
	if q.After != nil {
		w.add("(s.created_at, s.id) > (%s, %s)", q.After.ModifiedAt, q.After.ID)
	}
	rows, err := s.pool.Query(ctx, `SELECT `+prefixed("s.", shipmentColumns)+` FROM `+from+` WHERE `+w.String()+
		` ORDER BY s.created_at, s.id LIMIT `+w.arg(limitOf(q.Limit)), w.args...)
	if err != nil {
		return nil, wrap(err, "list shipments")
	}
	out, err := collect(rows, scanShipment)
	return out, wrap(err, "list shipments")
}

// GetPackage implements store.Shipping.
func (s *Store) GetPackage(ctx context.Context, shopIDs []string, id string) (model.Package, error) {
	if err := store.CheckScope(shopIDs, "id", id); err != nil {
		return model.Package{}, err
	}
	p, err := scanPackage(s.pool.QueryRow(ctx, `SELECT `+packageColumns+` FROM packages WHERE id = $1 AND shop_id = ANY($2)`, id, shopIDs))
	return p, wrap(err, "package "+id)
}

const documentColumns = `shipment_id, format, dpi, content_type, content, created_at`

const insertDocumentSQL = `INSERT INTO label_documents (` + documentColumns + `) VALUES ($1, $2, $3, $4, $5, $6)
	ON CONFLICT (shipment_id, format, dpi) DO NOTHING`

func documentArgs(d model.LabelDocument) []any {
	content := d.Content
	if content == nil {
		content = []byte{} // NOT NULL: an empty document is still a document
	}
	return []any{d.ShipmentID, d.Format, d.DPI, d.ContentType, content, d.CreatedAt}
}

// GetLabelDocument implements store.Shipping.
func (s *Store) GetLabelDocument(ctx context.Context, shopIDs []string, shipmentID, format string, dpi int) (model.LabelDocument, error) {
	if err := store.CheckScope(shopIDs, "shipment_id", shipmentID, "format", format); err != nil {
		return model.LabelDocument{}, err
	}
	d, err := scanDocument(s.pool.QueryRow(ctx, `SELECT `+prefixed("d.", documentColumns)+` FROM label_documents d
		JOIN shipments s ON s.id = d.shipment_id
		WHERE d.shipment_id = $1 AND d.format = $2 AND d.dpi = $3 AND s.shop_id = ANY($4)`, shipmentID, format, dpi, shopIDs))
	return d, wrap(err, fmt.Sprintf("label %s at %d dpi of shipment %s", format, dpi, shipmentID))
}

// PutLabelDocument implements store.Shipping. A concurrent put of the same document waits for
// the first to commit (the primary key), stores nothing and reads the first one back.
func (s *Store) PutLabelDocument(ctx context.Context, d model.LabelDocument) (model.LabelDocument, error) {
	if err := store.CheckLabelDocument(d); err != nil {
		return model.LabelDocument{}, err
	}
	var out model.LabelDocument
	err := s.inTx(ctx, fmt.Sprintf("put label %s at %d dpi of shipment %s", d.Format, d.DPI, d.ShipmentID), func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, insertDocumentSQL, documentArgs(d)...); err != nil {
			if pgCode(err) == "23503" {
				return fmt.Errorf("shipment %s: %w", d.ShipmentID, model.ErrNotFound)
			}
			return err
		}
		var err error
		out, err = scanDocument(tx.QueryRow(ctx, `SELECT `+documentColumns+` FROM label_documents
			WHERE shipment_id = $1 AND format = $2 AND dpi = $3`, d.ShipmentID, d.Format, d.DPI))
		return err
	})
	return out, err
}

func scanDocument(r pgx.Row) (model.LabelDocument, error) {
	var d model.LabelDocument
	err := r.Scan(&d.ShipmentID, &d.Format, &d.DPI, &d.ContentType, &d.Content, &d.CreatedAt)
	d.CreatedAt = d.CreatedAt.UTC()
	return d, err
}

// prefixed returns a column list with each column qualified by prefix ("s.").
func prefixed(prefix, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}
