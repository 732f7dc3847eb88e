package rating

import (
	"cmp"
	"errors"
	"slices"

	"lastmile/internal/model"
)

// Box is a shipping box of the shop's catalogue (R-RATE-8).
type Box struct {
	ID string `json:"id"`
	// Inner dimensions, what the goods must fit in.
	LengthMM int64 `json:"length_mm"`
	WidthMM  int64 `json:"width_mm"`
	HeightMM int64 `json:"height_mm"`
	// WallMM is the board's thickness: the outer dimensions, which carriers measure, are the
	// inner ones plus two walls.
	WallMM int64 `json:"wall_mm,omitempty"`
	// TareG is the empty box's weight, added to the goods'.
	TareG int64 `json:"tare_g"`
	// Cost is what the box costs, added to the shipping price for the landed cost; its
	// currency must be the order's (empty means the order's).
	Cost model.Money `json:"cost"`
}

// Item is goods to pack: one unit's dimensions and weight, and how many units.
type Item struct {
	LengthMM, WidthMM, HeightMM int64
	WeightG                     int64
	Quantity                    int64
}

// BoxChoice is the outcome of ChooseBox.
type BoxChoice struct {
	// Box is the index of the chosen box: the one with the lowest landed cost, or, when no
	// service is eligible in any box that fits, the smallest box that fits.
	Box int
	// Landed is the chosen box's cost plus its selected quote's total, when a quote was
	// selected.
	Landed int64
	// Boxes has the outcome of every box, in catalogue order.
	Boxes []BoxOutcome
}

// BoxOutcome is how one box of the catalogue did.
type BoxOutcome struct {
	Fits bool
	// Quoted: a service was selected for the order in this box; Landed is then its cost plus
	// the box's.
	Quoted bool
	Landed int64
}

// ErrNoBoxFits is returned by ChooseBox when the items fit in no box of the catalogue.
var ErrNoBoxFits = errors.New("the items fit in no box of the catalogue")

// ChooseBox packs the items into each box of the catalogue, rates the order in every box
// they fit in (the box's outer size, the goods' weight plus its tare), and chooses the box
// with the lowest landed cost: box cost plus the total of the quote the policy selects
// (R-RATE-8). Ties go to the smaller box, then to catalogue order. It leaves req.Parcel and
// res as they are for the chosen box.
func (c *Cards) ChooseBox(req *Request, items []Item, boxes []Box, p Policy, pct int, res *Result) (BoxChoice, error) {
	ch := BoxChoice{Box: -1, Boxes: make([]BoxOutcome, len(boxes))}
	var goodsG int64
	for _, it := range items {
		goodsG += it.WeightG * it.Quantity
	}
	smallest := -1
	for i := range boxes {
		b, out := &boxes[i], &ch.Boxes[i]
		if out.Fits = b.Fits(items); !out.Fits {
			continue
		}
		if smallest < 0 || b.volume() < boxes[smallest].volume() {
			smallest = i
		}
		req.Parcel = b.parcel(goodsG)
		c.Rate(req, res)
		sel := res.Select(p, pct)
		if sel < 0 {
			continue
		}
		q := &res.Quotes[sel]
		if b.Cost.Currency != "" && b.Cost.Currency != q.Currency {
			continue // cannot add a box cost in another currency
		}
		out.Quoted, out.Landed = true, b.Cost.Amount+q.Total
		if ch.Box < 0 || out.Landed < ch.Boxes[ch.Box].Landed ||
			out.Landed == ch.Boxes[ch.Box].Landed && b.volume() < boxes[ch.Box].volume() {
			ch.Box = i
		}
	}
	if smallest < 0 {
		return ch, ErrNoBoxFits
	}
	if ch.Box < 0 {
		ch.Box = smallest
	}
	ch.Landed = ch.Boxes[ch.Box].Landed
	req.Parcel = boxes[ch.Box].parcel(goodsG)
	c.Rate(req, res)
	res.Select(p, pct)
	return ch, nil
}

func (b *Box) volume() int64 { return b.LengthMM * b.WidthMM * b.HeightMM }

// parcel is the box packed with goodsG grams: outer dimensions, goods plus tare.
func (b *Box) parcel(goodsG int64) Parcel {
	return Parcel{WeightG: goodsG + b.TareG, LengthMM: b.LengthMM + 2*b.WallMM,
		WidthMM: b.WidthMM + 2*b.WallMM, HeightMM: b.HeightMM + 2*b.WallMM}
}

// Fits reports whether the items can be packed into the box's inner space, each item
// upright or turned any of the six ways. Packing boxes is NP-hard; this tries two
// first-fit-decreasing guillotine packings (see pack), which find a packing for the usual
// orders but may miss a very tight one: a box they cannot pack is reported as not fitting,
// never the reverse.
func (b *Box) Fits(items []Item) bool {
	inner := [3]int64{b.LengthMM, b.WidthMM, b.HeightMM}
	sort3(&inner)
	var units [][3]int64
	var volume, n int64
	for _, it := range items {
		if n += it.Quantity; n > MaxPackUnits {
			return false
		}
		d := [3]int64{it.LengthMM, it.WidthMM, it.HeightMM}
		sort3(&d)
		if d[2] <= 0 || d[0] > inner[0] || d[1] > inner[1] || d[2] > inner[2] {
			return false // an item without a size cannot be packed; one too big fits nowhere
		}
		for range it.Quantity {
			units = append(units, d)
			volume += d[0] * d[1] * d[2]
		}
	}
	if volume > inner[0]*inner[1]*inner[2] {
		return false
	}
	slices.SortStableFunc(units, func(a, b [3]int64) int {
		return cmp.Or(cmp.Compare(b[0]*b[1]*b[2], a[0]*a[1]*a[2]), cmp.Compare(b[0], a[0]))
	})
	return pack(units, inner, true) || pack(units, inner, false)
}

// pack places the units (largest first) one by one into the free space with the least room
// to spare, turned the way that scores best, and cuts the rest of that space into three boxes
// (guillotine cuts). With tiling, an orientation whose sides divide the space's sides (so
// that more of the same item tile it) scores first; without, the one leaving the largest box.
func pack(units [][3]int64, inner [3]int64, tiling bool) bool {
	free := [][3]int64{inner}
	for _, u := range units {
		bestF, bestWaste, bestTile, bestLeft := -1, int64(-1), -1, int64(-1)
		var bestSplit [3][3]int64
		for fi, f := range free {
			waste := f[0]*f[1]*f[2] - u[0]*u[1]*u[2]
			if bestF >= 0 && waste > bestWaste {
				continue
			}
			for _, o := range orientations(u) {
				if o[0] > f[0] || o[1] > f[1] || o[2] > f[2] {
					continue
				}
				tile := 0
				if tiling {
					for i := range o {
						if f[i]%o[i] == 0 {
							tile++
						}
					}
				}
				split, left := guillotine(f, o)
				better := bestF < 0 || waste < bestWaste ||
					waste == bestWaste && (tile > bestTile || tile == bestTile && left > bestLeft)
				if better {
					bestF, bestWaste, bestTile, bestLeft, bestSplit = fi, waste, tile, left, split
				}
			}
		}
		if bestF < 0 {
			return false
		}
		free = slices.Delete(free, bestF, bestF+1)
		for _, s := range bestSplit {
			if s[0] > 0 && s[1] > 0 && s[2] > 0 {
				free = append(free, s)
			}
		}
	}
	return true
}

// MaxPackUnits is the most units Fits packs; more are reported as not fitting.
const MaxPackUnits = 1000

// orientations are the six ways to turn a box with sides d.
func orientations(d [3]int64) [6][3]int64 {
	a, b, c := d[0], d[1], d[2]
	return [6][3]int64{{a, b, c}, {a, c, b}, {b, a, c}, {b, c, a}, {c, a, b}, {c, b, a}}
}

// guillotine places o in a corner of free space f and cuts the rest into three boxes, in the
// order of cuts that leaves the largest single box; left is that box's volume.
func guillotine(f, o [3]int64) (split [3][3]int64, left int64) {
	left = -1
	for _, ax := range [6][3]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}} {
		var s [3][3]int64
		// First cut across ax[0]: the slab beyond the item, full size on the other axes.
		s[0] = f
		s[0][ax[0]] = f[ax[0]] - o[ax[0]]
		// Second cut across ax[1], within the item's slab.
		s[1] = f
		s[1][ax[0]] = o[ax[0]]
		s[1][ax[1]] = f[ax[1]] - o[ax[1]]
		// Third cut: the column above the item.
		s[2] = o
		s[2][ax[2]] = f[ax[2]] - o[ax[2]]
		big := int64(0)
		for _, b := range s {
			big = max(big, b[0]*b[1]*b[2])
		}
		if big > left {
			split, left = s, big
		}
	}
	return split, left
}
