package address

import "testing"

// TestRegionTablesComplete: the subdivision lists are complete for the nine markets that
// require a region (counts of ISO 3166-2 plus the documented extras).
func TestRegionTablesComplete(t *testing.T) {
	t.Parallel()
	want := map[string]int{
		"US": 50 + 1 + 6 + 3 + 3, // states, DC, territories, FM/MH/PW, AA/AE/AP
		"CA": 13, "AU": 8, "MX": 32, "ID": 38, "MY": 16,
		"TH": 78, // Bangkok, 76 provinces, Pattaya
		"PH": 17 + 81,
		"VN": 63,
	}
	for country := range regionRequired {
		if regionTables[country] == nil {
			t.Errorf("%s requires a region but has no table", country)
		}
	}
	for country, n := range want {
		tab := regionTables[country]
		if got := len(tab.subs); got != n {
			t.Errorf("%s has %d subdivisions, want %d", country, got, n)
		}
		seen := map[string]bool{}
		for _, s := range tab.subs {
			if seen[s.code] {
				t.Errorf("%s: duplicate code %s", country, s.code)
			}
			seen[s.code] = true
			// Every code and name finds itself: Normalize is idempotent on regions.
			for _, in := range append([]string{s.code, s.name, country + "-" + s.code}, s.aliases...) {
				if got, ok := RegionCode(country, in); !ok || got != s.code {
					t.Errorf("%s: RegionCode(%q) = %q, %v; want %s", country, in, got, ok, s.code)
				}
			}
		}
	}
}

// TestRegionNames: what buyers type, case- and accent-insensitively.
func TestRegionNames(t *testing.T) {
	t.Parallel()
	cases := []struct{ country, in, want string }{
		{"TH", "Bangkok", "10"}, {"TH", "Krung Thep Maha Nakhon", "10"}, {"TH", "TH-10", "10"}, {"TH", "10", "10"},
		{"TH", "BANGKOK", "10"}, {"TH", "Chiang Mai", "50"}, {"TH", "Phuket", "83"},
		{"MY", "Kuala Lumpur", "14"}, {"MY", "W.P. Kuala Lumpur", "14"}, {"MY", "14", "14"}, {"MY", "wp kuala-lumpur", "14"},
		{"MY", "Johor", "01"}, {"MY", "Malacca", "04"},
		{"ID", "Jakarta", "JK"}, {"ID", "DKI Jakarta", "JK"}, {"ID", "JK", "JK"}, {"ID", "Jawa Timur", "JI"},
		{"ID", "DI Yogyakarta", "YO"}, {"ID", "Bali", "BA"},
		{"PH", "Metro Manila", "00"}, {"PH", "NCR", "00"}, {"PH", "00", "00"}, {"PH", "Quezon City", "00"},
		{"PH", "Quezon", "QUE"}, {"PH", "Davao del Sur", "DAS"},
		{"VN", "Ho Chi Minh City", "SG"}, {"VN", "HCMC", "SG"}, {"VN", "Saigon", "SG"}, {"VN", "SG", "SG"},
		{"VN", "TP. Hồ Chí Minh", "SG"}, {"VN", "Thành phố Hồ Chí Minh", "SG"}, {"VN", "Tỉnh Lào Cai", "02"},
		{"VN", "Đắk Lắk", "33"}, {"VN", "dak lak", "33"}, {"VN", "Thua Thien Hue", "26"},
		{"US", "California", "CA"}, {"US", "CA", "CA"}, {"US", "ca", "CA"}, {"US", "District of Columbia", "DC"},
		{"US", "Washington", "WA"}, {"US", "Washington, D.C.", "DC"},
		{"CA", "Ontario", "ON"}, {"CA", "ON", "ON"}, {"CA", "Québec", "QC"}, {"CA", "QUEBEC", "QC"},
		{"CA", "Île-du-Prince-Édouard", "PE"},
		{"AU", "New South Wales", "NSW"}, {"AU", "NSW", "NSW"}, {"AU", "Tasmania", "TAS"},
		{"MX", "Ciudad de México", "CMX"}, {"MX", "CDMX", "CMX"}, {"MX", "CMX", "CMX"}, {"MX", "ciudad de mexico", "CMX"},
		{"MX", "Nuevo León", "NLE"}, {"MX", "N.L.", "NLE"}, {"MX", "Yucatan", "YUC"}, {"MX", "México", "MEX"},
	}
	for _, c := range cases {
		t.Run(c.country+"/"+c.in, func(t *testing.T) {
			t.Parallel()
			if got, ok := RegionCode(c.country, c.in); !ok || got != c.want {
				t.Errorf("RegionCode(%s, %q) = %q, %v; want %q", c.country, c.in, got, ok, c.want)
			}
		})
	}
	for _, c := range []struct{ country, in string }{{"TH", "Bangkokk"}, {"US", "Ontario"}, {"DE", "Bayern"}, {"US", ""}, {"US", "-"}} {
		if got, ok := RegionCode(c.country, c.in); ok {
			t.Errorf("RegionCode(%s, %q) = %q, want not found", c.country, c.in, got)
		}
	}
}

// TestPostalRegionTables: every region the prefix tables name exists in the region table.
func TestPostalRegionTables(t *testing.T) {
	t.Parallel()
	for _, r := range usZIP3 {
		for _, s := range splitWords(r.states) {
			if _, ok := RegionCode("US", s); !ok {
				t.Errorf("usZIP3 names unknown state %s", s)
			}
		}
	}
	for _, s := range caProvincesByFirstLetter {
		for _, p := range splitWords(s) {
			if _, ok := RegionCode("CA", p); !ok {
				t.Errorf("caProvincesByFirstLetter names unknown province %s", p)
			}
		}
	}
	for _, s := range mxStatesByPrefix {
		if _, ok := RegionCode("MX", s); s != "" && !ok {
			t.Errorf("mxStatesByPrefix names unknown state %s", s)
		}
	}
	for c, rule := range remoteAreas {
		for _, r := range rule.regions {
			if _, ok := RegionCode(c, r); !ok {
				t.Errorf("remoteAreas[%s] names unknown region %s", c, r)
			}
		}
	}
}

func splitWords(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ' ' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}
