package tracker_test

import (
	"context"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
	"lastmile/internal/tracker"
	"lastmile/internal/tracking"
)

// TestIngestEventByEventFoldsLikeOneBatch: a parcel whose events arrive one batch each (each
// folded into the stored state without reading the older ones), or one batch each in a
// shuffled order (folded again from every event), ends with the tracking state and the
// exceptions of the same events ingested in one batch: status, milestones, cross-border,
// unknown codes, carrier exceptions opened and closed, and completeness once delivered.
func TestIngestEventByEventFoldsLikeOneBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		journey := func(f *fix) []tracking.Event {
			return []tracking.Event{
				f.ev("GX", t0.Add(2*time.Hour)), f.ev("OA", t0.Add(3*time.Hour)), f.ev("DY", t0.Add(10*time.Hour)),
				f.ev("L1", t0.Add(20*time.Hour)), f.ev("EC", t0.Add(25*time.Hour)), f.ev("AX", t0.Add(30*time.Hour)),
				f.ev("ZZ", t0.Add(35*time.Hour)), f.ev("10", t0.Add(40*time.Hour)), f.ev("01", t0.Add(66*time.Hour)),
			}
		}
		type outcome struct {
			state      store.TrackingState
			summary    tracker.Summary
			exceptions []store.TrackingException
		}
		read := func(f *fix) outcome {
			st, _, err := s.GetTracking(ctx, []string{f.shop.ID}, f.ship.ID)
			if err != nil {
				t.Fatal(err)
			}
			xs, err := s.ListExceptions(ctx, store.ExceptionQuery{ShopIDs: []string{f.shop.ID}})
			if err != nil {
				t.Fatal(err)
			}
			for i := range xs { // what differs between two parcels
				xs[i].ID, xs[i].ShopID, xs[i].OrderID, xs[i].ShipmentID, xs[i].TrackingNumber = "", "", "", "", ""
				xs[i].Key = xs[i].Type + "@" + xs[i].OpenedAt.String()
			}
			slices.SortFunc(xs, func(a, b store.TrackingException) int { return a.OpenedAt.Compare(b.OpenedAt) }) // not by arrival
			sum := tracker.SummaryOf(st)
			st.ShipmentID, st.ShopID, st.OrderID, st.TrackingNumber, st.Summary, st.UpdatedAt = "", "", "", "", nil, time.Time{}
			return outcome{st, sum, xs}
		}
		now := t0.Add(45 * time.Hour)
		whole, steps, shuffled := newFix(t, s, "US", nil), newFix(t, s, "US", nil), newFix(t, s, "US", nil)
		for _, f := range []*fix{whole, steps, shuffled} {
			f.now = now
		}
		// In flight first (the last event before delivery), then delivered.
		for _, upto := range []int{8, 9} {
			whole.ingest(t, journey(whole)[:upto]...)
			for _, e := range journey(steps)[:upto] {
				steps.ingest(t, e)
			}
			evs := journey(shuffled)[:upto]
			rand.New(rand.NewPCG(5, uint64(upto))).Shuffle(len(evs), func(i, j int) { evs[i], evs[j] = evs[j], evs[i] })
			for _, e := range evs {
				shuffled.ingest(t, e)
			}
			want := read(whole)
			if want.summary.UnknownCodes != 1 || !want.summary.CrossBorder || len(want.exceptions) != 2 {
				t.Fatalf("after %d events the fixture shows too little: %+v", upto, want)
			}
			if upto == 9 && (want.state.Status != string(tracking.StatusDelivered) || want.summary.Expected == 0) {
				t.Fatalf("delivered fixture: %+v", want)
			}
			for name, f := range map[string]*fix{"one batch per event": steps, "shuffled, one batch per event": shuffled} {
				if got := read(f); !reflect.DeepEqual(got, want) {
					t.Errorf("%s, %d events:\n%+v\nwant (one batch)\n%+v", name, upto, got, want)
				}
			}
			whole.now, steps.now, shuffled.now = whole.now.Add(30*time.Hour), steps.now.Add(30*time.Hour), shuffled.now.Add(30*time.Hour)
		}
	})
}
