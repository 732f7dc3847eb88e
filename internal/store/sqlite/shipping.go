package sqlite

// Shipping on SQLite: every write runs on the one writer connection (BEGIN IMMEDIATE), so a
// shipping step holds its order, as UpdateOrder and the allocation steps do, from its first read
// to its commit. The schema's partial unique index on live shipments refuses a second one for a
// package whatever the step decided.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

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
	err := s.inTx(ctx, "change shipping of order "+orderID, func(tx *sql.Tx) error {
		st, err := loadShipping(ctx, tx, shopIDs, orderID)
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
		if err := writeShipping(ctx, tx, st, ch); err != nil {
			return err
		}
		if ch.OrderChanged {
			if err := s.orderEvents(ctx, tx, store.OrderWrites{Updated: []model.Order{ch.Order}}); err != nil {
				return err
			}
		}
		if err := s.insertJobs(ctx, tx, ch.Jobs); err != nil {
			return err
		}
		out, err = loadShipping(ctx, tx, shopIDs, orderID)
		return err
	})
	if err != nil {
		return store.ShippingState{}, err
	}
	return out, nil
}

func loadShipping(ctx context.Context, tx *sql.Tx, shopIDs []string, orderID string) (store.ShippingState, error) {
	var st store.ShippingState
	o, err := getOrder(ctx, tx, shopIDs, orderID)
	if err != nil {
		return st, err
	}
	st.Order = o
	a, err := getAllocation(ctx, tx, []string{o.ShopID}, orderID)
	switch {
	case err == nil:
		st.Allocation = &a
	case !errors.Is(err, sql.ErrNoRows):
		return st, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+packageColumns+` FROM packages WHERE order_id = ? ORDER BY seq`, orderID)
	if err != nil {
		return st, err
	}
	if st.Packages, err = scanAll(rows, scanPackage); err != nil {
		return st, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT `+shipmentColumns+` FROM shipments WHERE order_id = ? ORDER BY seq`, orderID)
	if err != nil {
		return st, err
	}
	st.Shipments, err = scanAll(rows, scanShipment)
	return st, err
}

func writeShipping(ctx context.Context, tx *sql.Tx, st store.ShippingState, ch store.ShippingChange) error {
	if ch.OrderChanged {
		if err := updateOrder(ctx, tx, &ch.Order); err != nil {
			return err
		}
	}
	for i := range ch.NewPackages {
		if err := insertPackage(ctx, tx, &ch.NewPackages[i]); err != nil {
			return err
		}
	}
	for _, w := range store.ShipmentWrites(st, ch.Shipments) {
		if err := writeShipment(ctx, tx, &w.Shipment, w.Exists); err != nil {
			return err
		}
	}
	for _, d := range ch.Documents {
		if err := insertDocument(ctx, tx, d); err != nil {
			return err
		}
	}
	if it := ch.BatchItem; it != nil {
		if err := updateBatchItem(ctx, tx, it); err != nil {
			return err
		}
	}
	return nil
}

func insertPackage(ctx context.Context, tx *sql.Tx, p *model.Package) error {
	lines, err := json.Marshal(p.Lines)
	if err != nil {
		return fmt.Errorf("encode package %s: %w", p.ID, err)
	}
	cod, err := jsonOrNull(p.COD)
	if err != nil {
		return fmt.Errorf("encode package %s: %w", p.ID, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO packages (`+packageColumns+`) VALUES (`+placeholders(13)+`)`,
		p.ID, p.ShopID, p.OrderID, p.WarehouseID, string(p.Mode), p.Box, p.WeightG, p.LengthMM, p.WidthMM, p.HeightMM,
		string(lines), cod, micros(p.CreatedAt))
	if err != nil {
		return fmt.Errorf("insert package %s: %w", p.ID, err)
	}
	return nil
}

// writeShipment inserts sh, or updates the stored shipment with its id (every column but the
// id, shop, order, package and creation time, which a shipment keeps).
func writeShipment(ctx context.Context, tx *sql.Tx, sh *model.Shipment, exists bool) error {
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
	if exists {
		_, err = tx.ExecContext(ctx, `UPDATE shipments SET status = ?, mode = ?, carrier = ?, service = ?, tracking_number = ?,
			carrier_shipment_id = ?, label_format = ?, quote = ?, cost = ?, failure = ?, manifest_id = ?, batch_id = ?,
			purchased_at = ?, voided_at = ?, updated_at = ? WHERE id = ?`,
			string(sh.Status), string(sh.Mode), sh.Carrier, sh.Service, sh.TrackingNumber, sh.CarrierShipmentID, sh.LabelFormat,
			quote, cost, failure, sh.ManifestID, sh.BatchID, nullMicros(sh.PurchasedAt), nullMicros(sh.VoidedAt),
			micros(sh.UpdatedAt), sh.ID)
	} else {
		_, err = tx.ExecContext(ctx, `INSERT INTO shipments (`+shipmentColumns+`) VALUES (`+placeholders(20)+`)`,
			sh.ID, sh.ShopID, sh.OrderID, sh.PackageID, string(sh.Status), string(sh.Mode), sh.Carrier, sh.Service,
			sh.TrackingNumber, sh.CarrierShipmentID, sh.LabelFormat, quote, cost, failure, sh.ManifestID, sh.BatchID,
			micros(sh.CreatedAt), nullMicros(sh.PurchasedAt), nullMicros(sh.VoidedAt), micros(sh.UpdatedAt))
	}
	if err != nil {
		return fmt.Errorf("write shipment %s (%s) of package %s: %w", sh.ID, sh.Status, sh.PackageID, err)
	}
	return nil
}

// jsonOrNull returns v as JSON text, or NULL when v is a nil pointer.
func jsonOrNull[T any](v *T) (any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// fromJSON decodes a nullable JSON column into a new value, nil when NULL.
func fromJSON[T any](col sql.NullString, what string) (*T, error) {
	if !col.Valid {
		return nil, nil
	}
	v := new(T)
	if err := json.Unmarshal([]byte(col.String), v); err != nil {
		return nil, fmt.Errorf("decode %s: %w", what, err)
	}
	return v, nil
}

func scanAll[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
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

func scanPackage(r scanner) (model.Package, error) {
	var p model.Package
	var lines []byte
	var cod sql.NullString
	var created int64
	if err := r.Scan(&p.ID, &p.ShopID, &p.OrderID, &p.WarehouseID, &p.Mode, &p.Box, &p.WeightG, &p.LengthMM, &p.WidthMM,
		&p.HeightMM, &lines, &cod, &created); err != nil {
		return p, err
	}
	p.CreatedAt = fromMicros(created)
	if err := json.Unmarshal(lines, &p.Lines); err != nil {
		return p, fmt.Errorf("decode lines of package %s: %w", p.ID, err)
	}
	if cod.Valid {
		if err := json.Unmarshal([]byte(cod.String), &p.COD); err != nil {
			return p, fmt.Errorf("decode cod of package %s: %w", p.ID, err)
		}
	}
	return p, nil
}

func scanShipment(r scanner) (model.Shipment, error) {
	var sh model.Shipment
	var quote, cost, failure sql.NullString
	var created, updated int64
	var purchased, voided sql.NullInt64
	if err := r.Scan(&sh.ID, &sh.ShopID, &sh.OrderID, &sh.PackageID, &sh.Status, &sh.Mode, &sh.Carrier, &sh.Service,
		&sh.TrackingNumber, &sh.CarrierShipmentID, &sh.LabelFormat, &quote, &cost, &failure, &sh.ManifestID, &sh.BatchID,
		&created, &purchased, &voided, &updated); err != nil {
		return sh, err
	}
	sh.CreatedAt, sh.PurchasedAt, sh.VoidedAt, sh.UpdatedAt = fromMicros(created), fromNullMicros(purchased), fromNullMicros(voided), fromMicros(updated)
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

// inShops returns "col IN (?, …)" for shopIDs and appends them to args.
func inShops(col string, shopIDs []string, args []any) (string, []any) {
	return col + ` IN (` + placeholders(len(shopIDs)) + `)`, append(args, anys(shopIDs)...)
}

// GetShipment implements store.Shipping.
func (s *Store) GetShipment(ctx context.Context, shopIDs []string, id string) (model.Shipment, error) {
	if err := store.CheckScope(shopIDs, "id", id); err != nil {
		return model.Shipment{}, err
	}
	if len(shopIDs) == 0 {
		return model.Shipment{}, fmt.Errorf("shipment %s: %w", id, model.ErrNotFound)
	}
	cond, args := inShops("shop_id", shopIDs, []any{id})
	sh, err := scanShipment(s.r.QueryRowContext(ctx, `SELECT `+shipmentColumns+` FROM shipments WHERE id = ? AND `+cond, args...))
	return sh, wrap(err, "shipment "+id)
}

// GetShipmentByTracking implements store.Shipping.
func (s *Store) GetShipmentByTracking(ctx context.Context, shopIDs []string, carrier, trackingNumber string) (model.Shipment, error) {
	if err := store.CheckScope(shopIDs, "carrier", carrier, "tracking_number", trackingNumber); err != nil {
		return model.Shipment{}, err
	}
	if len(shopIDs) == 0 || trackingNumber == "" {
		return model.Shipment{}, fmt.Errorf("shipment with tracking number %q: %w", trackingNumber, model.ErrNotFound)
	}
	cond, args := inShops("shop_id", shopIDs, []any{trackingNumber})
	if carrier != "" {
		cond += ` AND carrier = ?`
		args = append(args, carrier)
	}
	sh, err := scanShipment(s.r.QueryRowContext(ctx, `SELECT `+shipmentColumns+` FROM shipments WHERE tracking_number = ? AND `+cond+`
		ORDER BY status IN ('voided', 'failed'), created_at DESC, seq DESC LIMIT 1`, args...))
	return sh, wrap(err, fmt.Sprintf("shipment with tracking number %q", trackingNumber))
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
	cond, args := inShops("s.shop_id", q.ShopIDs, nil)
	where := []string{cond}
	add := func(c string, v ...any) {
		where = append(where, c)
		args = append(args, v...)
	}
	if q.OrderID != "" {
		add(`s.order_id = ?`, q.OrderID)
	}
	if len(q.Statuses) > 0 {
		st := make([]any, len(q.Statuses))
		for i, v := range q.Statuses {
			st[i] = string(v)
		}
		add(`s.status IN (`+placeholders(len(st))+`)`, st...)
	}
	if q.Carrier != "" {
		add(`s.carrier = ?`, q.Carrier)
	}
	if q.WarehouseID != "" {
		from += ` JOIN packages p ON p.id = s.package_id`
		add(`p.warehouse_id = ?`, q.WarehouseID)
	}
	if q.BatchID != "" {
		add(`s.batch_id = ?`, q.BatchID)
	}
	if q.After != nil {
		at := micros(q.After.ModifiedAt)
		add(`(s.created_at > ? OR (s.created_at = ? AND s.id > ?))`, at, at, q.After.ID)
	}
	args = append(args, limitOf(q.Limit))
	rows, err := s.r.QueryContext(ctx, `SELECT `+prefixed("s.", shipmentColumns)+` FROM `+from+` WHERE `+strings.Join(where, " AND ")+
		` ORDER BY s.created_at, s.id LIMIT ?`, args...)
	if err != nil {
		return nil, wrap(err, "list shipments")
	}
	out, err := scanAll(rows, scanShipment)
	return out, wrap(err, "list shipments")
}

// prefixed returns a column list with each column qualified by prefix ("s.").
func prefixed(prefix, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// GetPackage implements store.Shipping.
func (s *Store) GetPackage(ctx context.Context, shopIDs []string, id string) (model.Package, error) {
	if err := store.CheckScope(shopIDs, "id", id); err != nil {
		return model.Package{}, err
	}
	if len(shopIDs) == 0 {
		return model.Package{}, fmt.Errorf("package %s: %w", id, model.ErrNotFound)
	}
	cond, args := inShops("shop_id", shopIDs, []any{id})
	p, err := scanPackage(s.r.QueryRowContext(ctx, `SELECT `+packageColumns+` FROM packages WHERE id = ? AND `+cond, args...))
	return p, wrap(err, "package "+id)
}

const documentColumns = `shipment_id, format, dpi, content_type, content, created_at`

// GetLabelDocument implements store.Shipping.
func (s *Store) GetLabelDocument(ctx context.Context, shopIDs []string, shipmentID, format string, dpi int) (model.LabelDocument, error) {
	if err := store.CheckScope(shopIDs, "shipment_id", shipmentID, "format", format); err != nil {
		return model.LabelDocument{}, err
	}
	what := fmt.Sprintf("label %s at %d dpi of shipment %s", format, dpi, shipmentID)
	if len(shopIDs) == 0 {
		return model.LabelDocument{}, fmt.Errorf("%s: %w", what, model.ErrNotFound)
	}
	cond, args := inShops("s.shop_id", shopIDs, []any{shipmentID, format, dpi})
	d, err := scanDocument(s.r.QueryRowContext(ctx, `SELECT `+prefixed("d.", documentColumns)+` FROM label_documents d
		JOIN shipments s ON s.id = d.shipment_id WHERE d.shipment_id = ? AND d.format = ? AND d.dpi = ? AND `+cond, args...))
	return d, wrap(err, what)
}

// PutLabelDocument implements store.Shipping.
func (s *Store) PutLabelDocument(ctx context.Context, d model.LabelDocument) (model.LabelDocument, error) {
	if err := store.CheckLabelDocument(d); err != nil {
		return model.LabelDocument{}, err
	}
	var out model.LabelDocument
	err := s.inTx(ctx, fmt.Sprintf("put label %s at %d dpi of shipment %s", d.Format, d.DPI, d.ShipmentID), func(tx *sql.Tx) error {
		if err := insertDocument(ctx, tx, d); err != nil {
			return err
		}
		var err error
		out, err = scanDocument(tx.QueryRowContext(ctx, `SELECT `+documentColumns+` FROM label_documents
			WHERE shipment_id = ? AND format = ? AND dpi = ?`, d.ShipmentID, d.Format, d.DPI))
		return err
	})
	return out, err
}

// insertDocument stores d unless a document of its shipment, format and dpi exists.
func insertDocument(ctx context.Context, tx *sql.Tx, d model.LabelDocument) error {
	content := d.Content
	if content == nil {
		content = []byte{} // NOT NULL: an empty document is still a document
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO label_documents (`+documentColumns+`) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (shipment_id, format, dpi) DO NOTHING`, d.ShipmentID, d.Format, d.DPI, d.ContentType, content, micros(d.CreatedAt))
	if isForeignKey(err) {
		return fmt.Errorf("shipment %s: %w", d.ShipmentID, model.ErrNotFound)
	}
	return err
}

func scanDocument(r scanner) (model.LabelDocument, error) {
	var d model.LabelDocument
	var created int64
	err := r.Scan(&d.ShipmentID, &d.Format, &d.DPI, &d.ContentType, &d.Content, &created)
	d.CreatedAt = fromMicros(created)
	return d, err
}
