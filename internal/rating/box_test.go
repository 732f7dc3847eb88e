package rating

import (
	"errors"
	"testing"
	"time"

	"lastmile/internal/model"
)

// TestBoxFits: 3D packing with rotation (R-RATE-8).
func TestBoxFits(t *testing.T) {
	t.Parallel()
	box := func(l, w, h int64) Box { return Box{ID: "b", LengthMM: l, WidthMM: w, HeightMM: h} }
	item := func(l, w, h, n int64) Item {
		return Item{LengthMM: l, WidthMM: w, HeightMM: h, WeightG: 100, Quantity: n}
	}
	for _, tc := range []struct {
		name  string
		box   Box
		items []Item
		fits  bool
	}{
		{"one_item_exact", box(300, 200, 100), []Item{item(300, 200, 100, 1)}, true},
		{"rotated_to_fit", box(100, 320, 60), []Item{item(300, 50, 90, 1)}, true},
		{"too_long_any_way", box(300, 300, 300), []Item{item(301, 10, 10, 1)}, false},
		{"eight_cubes_in_a_cube", box(200, 200, 200), []Item{item(100, 100, 100, 8)}, true},
		{"nine_cubes_do_not", box(200, 200, 200), []Item{item(100, 100, 100, 9)}, false},
		{"stacked_two", box(200, 150, 200), []Item{item(200, 150, 100, 2)}, true},
		{"side_by_side_turned", box(300, 200, 100), []Item{item(200, 100, 150, 2)}, true}, // each 150×100×200 → two 150 wide
		{"mixed_sizes", box(400, 300, 200), []Item{item(400, 300, 100, 1), item(200, 150, 100, 4)}, true},
		{"volume_fits_shape_does_not", box(300, 300, 100), []Item{item(200, 200, 100, 2)}, false},
		{"no_dimensions", box(300, 300, 300), []Item{item(0, 0, 0, 1)}, false},
		{"too_many_units", box(100_000, 100_000, 100_000), []Item{item(1, 1, 1, MaxPackUnits+1)}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.box.Fits(tc.items); got != tc.fits {
				t.Errorf("Fits = %v, want %v", got, tc.fits)
			}
		})
	}
}

// TestChooseBox: the box with the lowest landed cost, box plus shipping (R-RATE-8), on the
// acme/ground card (divisor 5000: brackets ≤500 g 3.00, ≤1000 g 4.00, ≤2000 g 5.00; fuel 0.21/kg
// in January; fees 0.20).
func TestChooseBox(t *testing.T) {
	t.Parallel()
	cards := loadTestCards(t)
	la := tz(t, "America/Los_Angeles")
	now := at(la, 2026, time.January, 15, 10, 0)
	newReq := func() *Request {
		return &Request{Market: market(t, "US"), Dest: mountainView, Now: now, PaidAt: now, Currency: "USD"}
	}
	items := []Item{{LengthMM: 150, WidthMM: 100, HeightMM: 50, WeightG: 200, Quantity: 2}} // 400 g
	usd := func(v int64) model.Money { return model.Money{Amount: v, Currency: "USD"} }
	// Small: too small. Snug: 160×110×110 outer 166×116×116 mm → 447 g volumetric; 400 g + 40 g
	// tare = 440 g actual → ≤500 g: 3.00 + fuel 0.21×0.447 = 0.09387 → 0.09 + 0.20 = 3.29 + box 0.40
	// = 3.69. Roomy: 300×200×150 → 1800 g volumetric: 5.00 + 0.378 → 0.38 + 0.20 = 5.58 + 0.10.
	small := Box{ID: "small", LengthMM: 100, WidthMM: 100, HeightMM: 50, TareG: 20, Cost: usd(20)}
	snug := Box{ID: "snug", LengthMM: 160, WidthMM: 110, HeightMM: 110, WallMM: 3, TareG: 40, Cost: usd(40)}
	roomy := Box{ID: "roomy", LengthMM: 300, WidthMM: 200, HeightMM: 150, TareG: 90, Cost: usd(10)}

	t.Run("lowest_landed_cost", func(t *testing.T) {
		t.Parallel()
		req := newReq()
		var res Result
		ch, err := cards.ChooseBox(req, items, []Box{roomy, small, snug}, Cheapest, 0, &res)
		if err != nil {
			t.Fatal(err)
		}
		if ch.Box != 2 || ch.Landed != 369 {
			t.Fatalf("chose box %d landed %d; want snug (2) at 369; outcomes %+v", ch.Box, ch.Landed, ch.Boxes)
		}
		if ch.Boxes[1].Fits || !ch.Boxes[0].Fits || ch.Boxes[0].Landed != 568 {
			t.Errorf("outcomes %+v; want small not fitting and roomy landed at 568", ch.Boxes)
		}
		q := quoteOf(t, &res, "acme", "ground")
		if req.Parcel != (Parcel{WeightG: 440, LengthMM: 166, WidthMM: 116, HeightMM: 116}) || q.ChargeableG != 447 || res.Selected < 0 {
			t.Errorf("parcel %+v chargeable %d selected %d", req.Parcel, q.ChargeableG, res.Selected)
		}
	})
	t.Run("a_cheap_big_box_can_win", func(t *testing.T) {
		t.Parallel()
		cheapRoomy := roomy
		cheapRoomy.LengthMM, cheapRoomy.WidthMM, cheapRoomy.HeightMM = 200, 160, 110 // 704 g volumetric: ≤1000 g
		cheapRoomy.Cost = usd(0)
		dearSnug := snug
		dearSnug.Cost = usd(200)
		var res Result
		ch, err := cards.ChooseBox(newReq(), items, []Box{dearSnug, cheapRoomy}, Cheapest, 0, &res)
		if err != nil {
			t.Fatal(err)
		}
		// dearSnug 3.29 + 2.00 = 5.29; cheapRoomy 4.00 + 0.15 (0.21×0.704) + 0.20 = 4.35.
		if ch.Box != 1 || ch.Landed != 435 {
			t.Errorf("chose %d landed %d; want 1 at 435 (%+v)", ch.Box, ch.Landed, ch.Boxes)
		}
	})
	t.Run("nothing_fits", func(t *testing.T) {
		t.Parallel()
		var res Result
		_, err := cards.ChooseBox(newReq(), items, []Box{small}, Cheapest, 0, &res)
		if !errors.Is(err, ErrNoBoxFits) {
			t.Errorf("err = %v, want ErrNoBoxFits", err)
		}
	})
	t.Run("fits_but_no_service", func(t *testing.T) {
		t.Parallel()
		req := newReq()
		req.Dest = Destination{Country: "CA"}
		var res Result
		ch, err := cards.ChooseBox(req, items, []Box{roomy, snug}, Cheapest, 0, &res)
		if err != nil || ch.Box != 1 || res.Selected != -1 || ch.Boxes[1].Quoted {
			t.Errorf("box %d selected %d err %v; want the smallest box that fits (1), nothing selected", ch.Box, res.Selected, err)
		}
	})
}
