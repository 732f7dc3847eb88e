package rating

import (
	"slices"
	"testing"
)

func TestCardInfo(t *testing.T) {
	t.Parallel()
	cards, err := DefaultCards()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]struct {
		min, max int
		business bool
		options  []string
		cod      bool
	}{}
	for _, c := range cards.Versions() {
		mn, mx, b := c.TransitDays()
		got[c.Carrier+"/"+c.Service] = struct {
			min, max int
			business bool
			options  []string
			cod      bool
		}{mn, mx, b, c.OptionNames(), c.TakesCOD()}
	}
	ups := got["ups/ground"] // zones: noncontiguous 4–8, contiguous 1–5, working days
	if ups.min != 1 || ups.max != 8 || !ups.business || ups.cod || !slices.Equal(ups.options, []string{"signature", "insurance"}) {
		t.Errorf("ups/ground = %+v", ups)
	}
	jt := got["jt-th/standard"] // bangkok 1–2, upcountry 2–3, calendar days, COD (R-MKT-2)
	if jt.min != 1 || jt.max != 3 || jt.business || !jt.cod || !slices.Equal(jt.options, []string{"cod"}) {
		t.Errorf("jt-th/standard = %+v", jt)
	}
}
