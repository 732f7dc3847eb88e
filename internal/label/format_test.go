package label

import (
	"slices"
	"testing"

	"lastmile/internal/model"
)

func TestFormatMoney(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		m    model.Money
		want string
	}{
		{model.Money{Amount: 1299, Currency: "USD"}, "USD 12.99"},
		{model.Money{Amount: 129900, Currency: "usd"}, "USD 1,299.00"},
		{model.Money{Amount: 1500, Currency: "JPY"}, "JPY 1,500"},
		{model.Money{Amount: 14900000, Currency: "IDR"}, "IDR 149,000.00"}, // ISO minor units, not CLDR's
		{model.Money{Amount: 25000000, Currency: "VND"}, "VND 25,000,000"},
		{model.Money{Amount: 1234, Currency: "BHD"}, "BHD 1.234"},
		{model.Money{Amount: 5, Currency: "GBP"}, "GBP 0.05"},
	} {
		got, err := formatMoney(c.m)
		if err != nil || got != c.want {
			t.Errorf("%v: %q, %v; want %q", c.m, got, err, c.want)
		}
	}
	for _, cur := range []string{"", "US", "ZZZ", "DOLLAR"} {
		if _, err := formatMoney(model.Money{Amount: 1, Currency: cur}); err == nil {
			t.Errorf("currency %q accepted", cur)
		}
	}
}

func TestFormatWeight(t *testing.T) {
	t.Parallel()
	for g, want := range map[int64]string{450: "0.45 kg", 1: "0.00 kg", 5: "0.01 kg", 994: "0.99 kg", 995: "1.00 kg", 12345: "12.35 kg", 30000: "30.00 kg"} {
		if got := formatWeight(g); got != want {
			t.Errorf("%d g: %q, want %q", g, got, want)
		}
	}
}

func TestCityLines(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		country, city, region, postal string
		want                          []string
	}{
		{"US", "Mountain View", "CA", "94043", []string{"Mountain View, CA 94043"}},
		{"CA", "Ottawa", "ON", "K1A 0B1", []string{"Ottawa, ON K1A 0B1"}},
		{"GB", "London", "", "SW1A 1AA", []string{"LONDON", "SW1A 1AA"}},
		{"DE", "Berlin", "", "10115", []string{"10115 Berlin"}},
		{"IT", "Roma", "RM", "00184", []string{"00184 Roma, RM"}},
		{"MY", "Kuala Lumpur", "W.P. Kuala Lumpur", "50450", []string{"50450 Kuala Lumpur, W.P. Kuala Lumpur"}},
		{"SG", "", "", "018956", []string{"SINGAPORE 018956"}},
		{"TH", "Pathum Wan", "Bangkok", "10330", []string{"Pathum Wan, Bangkok 10330"}},
		{"XX", "", "", "", nil},
	} {
		got := cityLines(c.country, c.city, c.region, c.postal)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %q, want %q", c.country, got, c.want)
		}
	}
}
