package postgres

// The batch ingest of tracking events in a few round trips, whatever the batch's size: the
// shipments matched in one query, the events inserted by one INSERT … SELECT FROM unnest that
// returns the rows it created, the touched orders locked in one statement (in id order) and
// their clock states read with one query per table, and every write of every order sent in one
// pipelined batch.

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

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
	err := s.inTx(ctx, fmt.Sprintf("ingest %d tracking events", len(events)), func(tx pgx.Tx) error {
		results = make([]store.TrackingIngestResult, len(events))
		ships, err := findShipments(ctx, tx, shopIDs, events)
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
		// Orders in id order, so two batches never wait for each other in a circle.
		slices.SortFunc(touched, func(a, b *model.Shipment) int {
			return cmp.Or(strings.Compare(a.OrderID, b.OrderID), strings.Compare(a.ID, b.ID))
		})
		var orderIDs []string
		for _, sh := range touched {
			if len(orderIDs) == 0 || orderIDs[len(orderIDs)-1] != sh.OrderID {
				orderIDs = append(orderIDs, sh.OrderID)
			}
		}
		states, err := loadClockStates(ctx, tx, orderIDs)
		if err != nil {
			return err
		}
		var w clockWrites
		var jobs []store.Job
		for _, sh := range touched {
			st, ok := states[sh.OrderID]
			if !ok {
				return fmt.Errorf("order %s of shipment %s: %w", sh.OrderID, sh.ID, model.ErrNotFound)
			}
			evs := fresh[sh.ID]
			slices.SortStableFunc(evs, func(a, b store.TrackingEvent) int {
				return cmp.Or(a.OccurredAt.Compare(b.OccurredAt), strings.Compare(a.RawCode, b.RawCode))
			})
			ship := *sh
			st.ShipmentID, st.Events = sh.ID, evs
			st.LoadEvents = func() ([]store.TrackingEvent, error) { return shipmentEvents(ctx, tx, ship) }
			ch, err := fn(st)
			if err != nil {
				return fmt.Errorf("shipment %s: %w", sh.ID, err)
			}
			if err := w.queue(ctx, tx, st, ch, &jobs); err != nil {
				return fmt.Errorf("shipment %s: %w", sh.ID, err)
			}
			st.ShipmentID, st.Events, st.LoadEvents = "", nil, nil
			states[sh.OrderID] = store.ApplyClockChange(st, ch)
		}
		if err := w.send(ctx, tx); err != nil {
			return err
		}
		return s.insertJobs(ctx, tx, jobs)
	})
	if err != nil {
		return nil, textError(err)
	}
	return results, nil
}

// storedEvent is e as the store reads it back: its times to the microsecond, its shipment.
func storedEvent(e store.TrackingEvent, sh *model.Shipment) store.TrackingEvent {
	e.OccurredAt, e.ReceivedAt = e.OccurredAt.Truncate(time.Microsecond).UTC(), e.ReceivedAt.Truncate(time.Microsecond).UTC()
	e.ShipmentID, e.ShopID = sh.ID, sh.ShopID
	if len(e.Location) == 0 {
		e.Location = nil
	}
	return e
}

// insertEvents inserts events[i] for i in idx (distinct keys, each with a shipment) in one
// statement and returns the keys it created; a key stored already is left as it is.
func insertEvents(ctx context.Context, tx pgx.Tx, events []store.TrackingEvent, idx []int, ships map[shipKey]*model.Shipment) (map[eventKey]bool, error) {
	created := make(map[eventKey]bool, len(idx))
	if len(idx) == 0 {
		return created, nil
	}
	n := len(idx)
	carriers, numbers, codes, ships1, shops := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	descs, locs, statuses, reasons := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	secs, milestones := make([]int64, n), make([]int64, n)
	occurred, received := make([]time.Time, n), make([]time.Time, n)
	for k, i := range idx {
		e := &events[i]
		sh := ships[shipKey{e.Carrier, e.TrackingNumber}]
		carriers[k], numbers[k], codes[k], secs[k], occurred[k] = e.Carrier, e.TrackingNumber, e.RawCode, e.OccurredAt.Unix(), e.OccurredAt
		ships1[k], shops[k], descs[k], locs[k] = sh.ID, sh.ShopID, e.Description, string(e.Location)
		statuses[k], reasons[k], milestones[k], received[k] = e.Status, e.Reason, int64(e.Milestones), e.ReceivedAt
	}
	rows, err := tx.Query(ctx, `INSERT INTO tracking_events (carrier, tracking_number, raw_code, occurred_sec, occurred_at, shipment_id,
		shop_id, description, location, status, reason, milestones, received_at)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::timestamptz[], $6::text[], $7::text[], $8::text[],
			$9::text[], $10::text[], $11::text[], $12::bigint[], $13::timestamptz[])
		ON CONFLICT DO NOTHING RETURNING carrier, tracking_number, raw_code, occurred_sec`,
		carriers, numbers, codes, secs, occurred, ships1, shops, descs, locs, statuses, reasons, milestones, received)
	if err != nil {
		return nil, fmt.Errorf("insert tracking events: %w", err)
	}
	keys, err := collect(rows, func(r pgx.Row) (eventKey, error) {
		var k eventKey
		return k, r.Scan(&k.carrier, &k.number, &k.code, &k.sec)
	})
	if err != nil {
		return nil, fmt.Errorf("insert tracking events: %w", err)
	}
	for _, k := range keys {
		created[k] = true
	}
	return created, nil
}

// loadClockStates locks the orders of ids (sorted) FOR UPDATE, in id order, and reads their
// clock states with one query per table.
func loadClockStates(ctx context.Context, tx pgx.Tx, ids []string) (map[string]store.ClockState, error) {
	out := make(map[string]store.ClockState, len(ids))
	var b pgx.Batch
	b.Queue(`SELECT `+orderColumns+` FROM orders WHERE id = ANY($1) ORDER BY id FOR UPDATE`, ids)
	b.Queue(`SELECT `+shipmentColumns+` FROM shipments WHERE order_id = ANY($1) ORDER BY seq`, ids)
	b.Queue(`SELECT `+stateColumns+` FROM tracking_states WHERE order_id = ANY($1)`, ids)
	b.Queue(`SELECT `+deadlineColumns+` FROM deadlines WHERE order_id = ANY($1) ORDER BY due_at, key`, ids)
	b.Queue(`SELECT order_id, key, kind FROM deadline_alerts WHERE order_id = ANY($1)`, ids)
	b.Queue(`SELECT `+exceptionColumns+` FROM tracking_exceptions WHERE order_id = ANY($1) ORDER BY seq`, ids)
	b.Queue(`SELECT order_id, id, warehouse_id FROM packages WHERE order_id = ANY($1)`, ids)
	br := tx.SendBatch(ctx, &b)
	defer br.Close()
	rows, err := br.Query()
	if err != nil {
		return nil, err
	}
	orders, err := collect(rows, scanOrder)
	if err != nil {
		return nil, fmt.Errorf("orders: %w", err)
	}
	for _, o := range orders {
		out[o.ID] = store.ClockState{Order: o, Tracking: map[string]store.TrackingState{}, Alerted: map[string]bool{},
			Warehouses: map[string]string{}}
	}
	with := func(orderID string, f func(st *store.ClockState)) {
		if st, ok := out[orderID]; ok {
			f(&st)
			out[orderID] = st
		}
	}
	if rows, err = br.Query(); err != nil {
		return nil, err
	}
	ships, err := collect(rows, scanShipment)
	if err != nil {
		return nil, fmt.Errorf("shipments: %w", err)
	}
	for _, sh := range ships {
		with(sh.OrderID, func(st *store.ClockState) { st.Shipments = append(st.Shipments, sh) })
	}
	if rows, err = br.Query(); err != nil {
		return nil, err
	}
	states, err := collect(rows, scanState)
	if err != nil {
		return nil, fmt.Errorf("tracking states: %w", err)
	}
	for _, t := range states {
		with(t.OrderID, func(st *store.ClockState) { st.Tracking[t.ShipmentID] = t })
	}
	if rows, err = br.Query(); err != nil {
		return nil, err
	}
	ds, err := collect(rows, scanDeadline)
	if err != nil {
		return nil, fmt.Errorf("deadlines: %w", err)
	}
	for _, d := range ds {
		with(d.OrderID, func(st *store.ClockState) { st.Deadlines = append(st.Deadlines, d) })
	}
	if rows, err = br.Query(); err != nil {
		return nil, err
	}
	alerted, err := collect(rows, func(r pgx.Row) ([3]string, error) {
		var a [3]string
		return a, r.Scan(&a[0], &a[1], &a[2])
	})
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	for _, a := range alerted {
		with(a[0], func(st *store.ClockState) { st.Alerted[a[1]+"/"+a[2]] = true })
	}
	if rows, err = br.Query(); err != nil {
		return nil, err
	}
	xs, err := collect(rows, scanException)
	if err != nil {
		return nil, fmt.Errorf("exceptions: %w", err)
	}
	for _, x := range xs {
		with(x.OrderID, func(st *store.ClockState) { st.Exceptions = append(st.Exceptions, x) })
	}
	if rows, err = br.Query(); err != nil {
		return nil, err
	}
	pkgs, err := collect(rows, func(r pgx.Row) ([3]string, error) {
		var p [3]string
		return p, r.Scan(&p[0], &p[1], &p[2])
	})
	if err != nil {
		return nil, fmt.Errorf("packages: %w", err)
	}
	for _, p := range pkgs {
		with(p[0], func(st *store.ClockState) { st.Warehouses[p[1]] = p[2] })
	}
	return out, br.Close()
}
