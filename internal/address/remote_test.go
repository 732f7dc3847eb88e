package address

import (
	"testing"

	"lastmile/internal/model"
)

// TestIsRemote: the default remote-area lists (R-RATE-3).
func TestIsRemote(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		a    model.Address
		want bool
	}{
		{"US/alaska_region", model.Address{Country: "US", Region: "Alaska", PostalCode: "99501"}, true},
		{"US/hawaii_zip_only", model.Address{Country: "US", PostalCode: "96815"}, true},
		{"US/puerto_rico", model.Address{Country: "US", Region: "PR", PostalCode: "00907"}, true},
		{"US/guam", model.Address{Country: "US", Region: "Guam", PostalCode: "96910"}, true},
		{"US/apo_city", model.Address{Country: "US", City: "apo", Region: "AE", PostalCode: "09012"}, true},
		{"US/fpo_pacific", model.Address{Country: "US", City: "FPO", Region: "AP", PostalCode: "96349"}, true},
		{"US/california", model.Address{Country: "US", Region: "CA", PostalCode: "94103"}, false},
		{"US/new_york", model.Address{Country: "us", Region: "New York", PostalCode: "10001"}, false},
		{"GB/shetland", model.Address{Country: "UK", PostalCode: "ze10aa"}, true},
		{"GB/belfast", model.Address{Country: "GB", PostalCode: "BT1 5GS"}, true},
		{"GB/jersey", model.Address{Country: "GB", PostalCode: "JE2 3AB"}, true},
		{"GB/isle_of_wight", model.Address{Country: "GB", PostalCode: "PO30 1AA"}, true},
		{"GB/portsmouth", model.Address{Country: "GB", PostalCode: "PO1 2AA"}, false},
		{"GB/argyll_islands", model.Address{Country: "GB", PostalCode: "PA43 7JD"}, true},
		{"GB/paisley", model.Address{Country: "GB", PostalCode: "PA1 1AA"}, false},
		{"GB/paisley_pa2_not_pa21", model.Address{Country: "GB", PostalCode: "PA2 1AA"}, false},
		{"GB/london", model.Address{Country: "GB", PostalCode: "SW1A 1AA"}, false},
		{"CA/nunavut", model.Address{Country: "CA", Region: "NU", PostalCode: "X0A 0H0"}, true},
		{"CA/yukon_postal_only", model.Address{Country: "CA", PostalCode: "Y1A 1A1"}, true},
		{"CA/toronto", model.Address{Country: "CA", Region: "ON", PostalCode: "M5V 2T6"}, false},
		{"AU/darwin", model.Address{Country: "AU", Region: "NT", PostalCode: "0800"}, true},
		{"AU/hobart", model.Address{Country: "AU", Region: "TAS", PostalCode: "7000"}, true},
		{"AU/broome", model.Address{Country: "AU", Region: "WA", PostalCode: "6725"}, true},
		{"AU/perth", model.Address{Country: "AU", Region: "WA", PostalCode: "6000"}, false},
		{"AU/sydney", model.Address{Country: "AU", Region: "NSW", PostalCode: "2000"}, false},
		{"FR/corsica", model.Address{Country: "FR", PostalCode: "20000"}, true},
		{"FR/reunion", model.Address{Country: "FR", PostalCode: "97400"}, true},
		{"FR/paris", model.Address{Country: "FR", PostalCode: "75002"}, false},
		{"ES/canarias", model.Address{Country: "ES", PostalCode: "35001"}, true},
		{"ES/madrid", model.Address{Country: "ES", PostalCode: "28014"}, false},
		{"DE/sylt", model.Address{Country: "DE", PostalCode: "25980"}, true},
		{"DE/berlin", model.Address{Country: "DE", PostalCode: "10117"}, false},
		{"NL/texel", model.Address{Country: "NL", PostalCode: "1791 AB"}, true},
		{"JP/okinawa", model.Address{Country: "JP", PostalCode: "900-0015"}, true},
		{"JP/tokyo", model.Address{Country: "JP", PostalCode: "100-0005"}, false},
		{"KR/jeju", model.Address{Country: "KR", PostalCode: "63122"}, true},
		{"MY/sabah_region", model.Address{Country: "MY", Region: "Sabah", PostalCode: "88000"}, true},
		{"MY/sarawak_postcode", model.Address{Country: "MY", PostalCode: "93050"}, true},
		{"MY/kuala_lumpur", model.Address{Country: "MY", Region: "Kuala Lumpur", PostalCode: "50450"}, false},
		{"ID/papua", model.Address{Country: "ID", Region: "Papua"}, true},
		{"ID/jakarta", model.Address{Country: "ID", Region: "DKI Jakarta"}, false},
		{"PH/batanes", model.Address{Country: "PH", Region: "Batanes"}, true},
		{"NZ/chatham", model.Address{Country: "NZ", PostalCode: "8942"}, true},
		{"TH/bangkok_none", model.Address{Country: "TH", Region: "Bangkok", PostalCode: "10110"}, false},
		{"unknown_country", model.Address{Country: "ZZ", PostalCode: "99501"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := IsRemote(c.a); got != c.want {
				t.Errorf("IsRemote(%+v) = %v, want %v", c.a, got, c.want)
			}
			if got := Check(c.a).RemoteArea; got != c.want {
				t.Errorf("Check(%+v).RemoteArea = %v, want %v", c.a, got, c.want)
			}
		})
	}
}
