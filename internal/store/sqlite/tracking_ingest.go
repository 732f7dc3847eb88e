package sqlite

// The batch ingest of tracking events. A batch of 10,000 events costs a handful of statements
// per 500 rows, not a dozen per parcel: the shipments are matched in one query per chunk of
// tracking numbers, the events inserted by multi-row INSERTs that return the rows they
// created, and every touched order's clock state is read once for the batch.

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// eventKey is a tracking event's identity, the primary key of tracking_events.
type eventKey struct {
	carrier, number, code string
	sec                   int64
}

func keyOfEvent(e *store.TrackingEvent) eventKey {
	return eventKey{e.Carrier, e.TrackingNumber, e.RawCode, e.OccurredAt.Unix()}
}

// IngestTracking implements store.Tracking.
func (s *Store) IngestTracking(ctx context.Context, shopIDs []string, events []store.TrackingEvent, fn store.ClockFunc) ([]store.TrackingIngestResult, error) {
	if err := store.CheckTrackingEvents(shopIDs, events); err != nil {
		return nil, err
	}
	var results []store.TrackingIngestResult
	err := s.inTx(ctx, fmt.Sprintf("ingest %d tracking events", len(events)), func(tx *sql.Tx) error {
		results = make([]store.TrackingIngestResult, len(events))
		if len(shopIDs) == 0 {
			for i := range results {
				results[i].Outcome = store.TrackingNoShipment
			}
			return nil
		}
		ships, err := matchShipments(ctx, tx, shopIDs, events)
		if err != nil {
			return err
		}
		// The first copy of each key in the batch is the one to insert; the others are duplicates.
		first := map[eventKey]bool{}
		var cands []int
		for i := range events {
			e := &events[i]
			sh := ships[shipKey{e.Carrier, e.TrackingNumber}]
			if sh == nil {
				results[i] = store.TrackingIngestResult{Outcome: store.TrackingNoShipment}
				continue
			}
			results[i] = store.TrackingIngestResult{Outcome: store.TrackingDuplicate, ShipmentID: sh.ID, OrderID: sh.OrderID}
			if k := keyOfEvent(e); !first[k] {
				first[k] = true
				cands = append(cands, i)
			}
		}
		created, err := insertEvents(ctx, tx, events, cands, ships)
		if err != nil {
			return err
		}
		// The new events per shipment, and the shipments in order of their first new event.
		fresh := map[string][]store.TrackingEvent{}
		var touched []*model.Shipment
		for _, i := range cands {
			e := events[i]
			if !created[keyOfEvent(&e)] {
				continue
			}
			results[i].Outcome = store.TrackingCreated
			sh := ships[shipKey{e.Carrier, e.TrackingNumber}]
			if _, ok := fresh[sh.ID]; !ok {
				touched = append(touched, sh)
			}
			fresh[sh.ID] = append(fresh[sh.ID], storedEvent(e, sh))
		}
		if len(touched) == 0 {
			return nil
		}
		var orderIDs []string // in order of first appearance
		seen := make(map[string]bool, len(touched))
		for _, sh := range touched {
			if !seen[sh.OrderID] {
				seen[sh.OrderID] = true
				orderIDs = append(orderIDs, sh.OrderID)
			}
		}
		states, err := loadClockStates(ctx, tx, orderIDs)
		if err != nil {
			return err
		}
		c := newTxStmts(tx)
		defer c.close()
		var jobs []store.Job
		for _, sh := range touched {
			st, ok := states[sh.OrderID]
			if !ok {
				return fmt.Errorf("order %s of shipment %s: %w", sh.OrderID, sh.ID, model.ErrNotFound)
			}
			evs := fresh[sh.ID]
			slices.SortStableFunc(evs, func(a, b store.TrackingEvent) int {
				if n := a.OccurredAt.Compare(b.OccurredAt); n != 0 {
					return n
				}
				return strings.Compare(a.RawCode, b.RawCode)
			})
			st.ShipmentID, st.Events = sh.ID, evs
			ship := *sh
			st.LoadEvents = func() ([]store.TrackingEvent, error) { return shipmentEvents(ctx, c, ship) }
			ch, err := fn(st)
			if err != nil {
				return fmt.Errorf("shipment %s: %w", sh.ID, err)
			}
			if err := writeClockChange(ctx, c, st, ch, &jobs); err != nil {
				return fmt.Errorf("shipment %s: %w", sh.ID, err)
			}
			st.ShipmentID, st.Events, st.LoadEvents = "", nil, nil
			states[sh.OrderID] = store.ApplyClockChange(st, ch)
		}
		return s.insertJobs(ctx, tx, jobs)
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// storedEvent is e as the store reads it back: its times to the microsecond, its shipment.
func storedEvent(e store.TrackingEvent, sh *model.Shipment) store.TrackingEvent {
	e.OccurredAt, e.ReceivedAt = fromMicros(micros(e.OccurredAt)), fromMicros(micros(e.ReceivedAt))
	e.ShipmentID, e.ShopID = sh.ID, sh.ShopID
	if len(e.Location) == 0 {
		e.Location = nil
	}
	return e
}

// matchShipments finds the shipment of each carrier and tracking number of events in shopIDs:
// the live one, else the latest.
func matchShipments(ctx context.Context, tx *sql.Tx, shopIDs []string, events []store.TrackingEvent) (map[shipKey]*model.Shipment, error) {
	byCarrier := map[string][]string{}
	seen := map[shipKey]bool{}
	for i := range events {
		k := shipKey{events[i].Carrier, events[i].TrackingNumber}
		if !seen[k] {
			seen[k] = true
			byCarrier[k.carrier] = append(byCarrier[k.carrier], k.number)
		}
	}
	out := make(map[shipKey]*model.Shipment, len(seen))
	for carrier, numbers := range byCarrier {
		for start := 0; start < len(numbers); start += lookupChunk {
			chunk := numbers[start:min(start+lookupChunk, len(numbers))]
			cond, args := inShops("shop_id", shopIDs, append([]any{carrier}, anys(chunk)...))
			rows, err := tx.QueryContext(ctx, `SELECT `+shipmentColumns+` FROM shipments
				WHERE carrier = ? AND tracking_number IN (`+placeholders(len(chunk))+`) AND `+cond+`
				ORDER BY tracking_number, status IN ('voided', 'failed'), created_at DESC, seq DESC`, args...)
			if err != nil {
				return nil, fmt.Errorf("match shipments: %w", err)
			}
			for rows.Next() {
				sh, err := scanShipment(rows)
				if err != nil {
					rows.Close()
					return nil, err
				}
				k := shipKey{sh.Carrier, sh.TrackingNumber}
				if out[k] == nil {
					out[k] = &sh
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, fmt.Errorf("match shipments: %w", err)
			}
		}
	}
	return out, nil
}

// insertEvents inserts events[i] for i in idx (distinct keys, each with a shipment) and
// returns the keys it created; a key stored already is left as it is. One prepared statement
// per row: a multi-row INSERT needs a statement journal in case it aborts half-way, and
// keeping it cost more than stepping the rows one by one.
func insertEvents(ctx context.Context, tx *sql.Tx, events []store.TrackingEvent, idx []int, ships map[shipKey]*model.Shipment) (map[eventKey]bool, error) {
	created := make(map[eventKey]bool, len(idx))
	// In key order: each parcel's events land on the same b-tree pages one after the other.
	idx = slices.Clone(idx)
	slices.SortFunc(idx, func(a, b int) int {
		x, y := &events[a], &events[b]
		return cmp.Or(strings.Compare(x.Carrier, y.Carrier), strings.Compare(x.TrackingNumber, y.TrackingNumber),
			strings.Compare(x.RawCode, y.RawCode), cmp.Compare(x.OccurredAt.Unix(), y.OccurredAt.Unix()))
	})
	ins, err := tx.PrepareContext(ctx, `INSERT INTO tracking_events (carrier, tracking_number, raw_code, occurred_sec, occurred_at,
		shipment_id, shop_id, description, location, status, reason, milestones, received_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`)
	if err != nil {
		return nil, fmt.Errorf("insert tracking events: %w", err)
	}
	defer ins.Close()
	for _, i := range idx {
		e := &events[i]
		sh := ships[shipKey{e.Carrier, e.TrackingNumber}]
		res, err := ins.ExecContext(ctx, e.Carrier, e.TrackingNumber, e.RawCode, e.OccurredAt.Unix(), micros(e.OccurredAt),
			sh.ID, sh.ShopID, e.Description, string(e.Location), e.Status, e.Reason, e.Milestones, micros(e.ReceivedAt))
		if err != nil {
			return nil, fmt.Errorf("insert tracking event: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, err
		} else if n == 1 {
			created[keyOfEvent(e)] = true
		}
	}
	return created, nil
}

// loadClockStates reads the clock state of each order of ids (all of one batch) with one
// query per table and chunk, not one set per order.
func loadClockStates(ctx context.Context, tx *sql.Tx, ids []string) (map[string]store.ClockState, error) {
	out := make(map[string]store.ClockState, len(ids))
	for start := 0; start < len(ids); start += lookupChunk {
		chunk := ids[start:min(start+lookupChunk, len(ids))]
		in, args := `(`+placeholders(len(chunk))+`)`, anys(chunk)
		rows, err := tx.QueryContext(ctx, `SELECT `+orderColumns+` FROM orders WHERE id IN `+in, args...)
		if err != nil {
			return nil, fmt.Errorf("orders: %w", err)
		}
		if err := scanOrders(rows, func(o model.Order) {
			out[o.ID] = store.ClockState{Order: o, Tracking: map[string]store.TrackingState{}, Alerted: map[string]bool{},
				Warehouses: map[string]string{}}
		}); err != nil {
			return nil, fmt.Errorf("orders: %w", err)
		}
		// Each table's rows go to their order's state; the maps are shared with out's copy.
		with := func(orderID string, f func(st *store.ClockState)) {
			if st, ok := out[orderID]; ok {
				f(&st)
				out[orderID] = st
			}
		}
		if err := eachRow(ctx, tx, `SELECT order_id, id, warehouse_id FROM packages WHERE order_id IN `+in+` ORDER BY seq`, args,
			func(r *sql.Rows) error {
				var o, id, wh string
				if err := r.Scan(&o, &id, &wh); err != nil {
					return err
				}
				with(o, func(st *store.ClockState) { st.Warehouses[id] = wh })
				return nil
			}); err != nil {
			return nil, fmt.Errorf("packages: %w", err)
		}
		if err := eachRow(ctx, tx, `SELECT `+shipmentColumns+` FROM shipments WHERE order_id IN `+in+` ORDER BY seq`, args,
			func(r *sql.Rows) error {
				sh, err := scanShipment(r)
				if err != nil {
					return err
				}
				with(sh.OrderID, func(st *store.ClockState) { st.Shipments = append(st.Shipments, sh) })
				return nil
			}); err != nil {
			return nil, fmt.Errorf("shipments: %w", err)
		}
		states, err := queryStates(ctx, tx, `order_id IN `+in, args...)
		if err != nil {
			return nil, fmt.Errorf("tracking states: %w", err)
		}
		for _, t := range states {
			with(t.OrderID, func(st *store.ClockState) { st.Tracking[t.ShipmentID] = t })
		}
		drows, err := tx.QueryContext(ctx, `SELECT `+deadlineColumns+` FROM deadlines WHERE order_id IN `+in+` ORDER BY due_at, key`, args...)
		if err != nil {
			return nil, fmt.Errorf("deadlines: %w", err)
		}
		ds, err := scanDeadlines(drows)
		if err != nil {
			return nil, fmt.Errorf("deadlines: %w", err)
		}
		for _, d := range ds {
			with(d.OrderID, func(st *store.ClockState) { st.Deadlines = append(st.Deadlines, d) })
		}
		if err := eachRow(ctx, tx, `SELECT order_id, key, kind FROM deadline_alerts WHERE order_id IN `+in, args,
			func(r *sql.Rows) error {
				var o, k, kind string
				if err := r.Scan(&o, &k, &kind); err != nil {
					return err
				}
				with(o, func(st *store.ClockState) { st.Alerted[k+"/"+kind] = true })
				return nil
			}); err != nil {
			return nil, fmt.Errorf("alerts: %w", err)
		}
		xs, err := queryExceptions(ctx, tx, `order_id IN `+in, args, "seq", 0)
		if err != nil {
			return nil, fmt.Errorf("exceptions: %w", err)
		}
		for _, x := range xs {
			with(x.OrderID, func(st *store.ClockState) { st.Exceptions = append(st.Exceptions, x) })
		}
	}
	return out, nil
}

// eachRow runs a query and calls f for each row.
func eachRow(ctx context.Context, tx *sql.Tx, query string, args []any, f func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := f(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
