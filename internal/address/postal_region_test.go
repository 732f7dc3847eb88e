package address

import (
	"strings"
	"testing"

	"lastmile/internal/model"
)

// postalRegionCase is a published address (a landmark, a university, an airport) reduced to
// what the check reads, with the region as a buyer might write it.
type postalRegionCase struct {
	name       string
	city       string
	region     string
	postal     string
	mismatch   bool
	suggestion string // when set, the mismatch's suggestion must say exactly this
}

var postalRegionCases = map[string][]postalRegionCase{
	"TH": {
		{name: "grand_palace_bangkok", city: "Phra Nakhon", region: "Bangkok", postal: "10200"},
		{name: "suvarnabhumi_samut_prakan_uses_10xxx", city: "Bang Phli", region: "Samut Prakan", postal: "10540"},
		{name: "impact_muang_thong_thani_nonthaburi_11xxx", city: "Pak Kret", region: "Nonthaburi", postal: "11120"},
		{name: "ayutthaya_13xxx", city: "Phra Nakhon Si Ayutthaya", region: "Ayutthaya", postal: "13000"},
		{name: "chiang_mai_university", city: "Mueang Chiang Mai", region: "Chiang Mai", postal: "50200"},
		{name: "phuket_airport", city: "Thalang", region: "TH-83", postal: "83110"},
		{name: "pattaya_as_region", city: "Bang Lamung", region: "Pattaya", postal: "20150"},
		{name: "pattaya_in_chon_buri", city: "Bang Lamung", region: "Chonburi", postal: "20150"},
		{name: "bueng_kan_38xxx", city: "Mueang Bueng Kan", region: "Bueng Kan", postal: "38000"},
		{name: "bangkok_code_in_chiang_mai", city: "Phra Nakhon", region: "Chiang Mai", postal: "10200", mismatch: true,
			suggestion: "correct the postal code or the region: 10200 belongs to Bangkok (10) or Samut Prakan (11)"},
		{name: "pathum_thani_code_in_nonthaburi", city: "Khlong Luang", region: "Nonthaburi", postal: "12120", mismatch: true},
		{name: "chiang_mai_code_in_bangkok", city: "Suthep", region: "Krung Thep Maha Nakhon", postal: "50200", mismatch: true},
	},
	"VN": {
		{name: "ben_thanh_hcmc", city: "Quận 1", region: "TP. Hồ Chí Minh", postal: "70000"},
		{name: "hanoi", city: "Hoàn Kiếm", region: "Hà Nội", postal: "10000"},
		{name: "hai_phong_leading_zero", city: "Hồng Bàng", region: "Hải Phòng", postal: "04000"},
		{name: "binh_duong", city: "Thủ Dầu Một", region: "Bình Dương", postal: "75000"},
		{name: "binh_duong_in_hcmc_since_2025", city: "Thủ Dầu Một", region: "Ho Chi Minh City", postal: "75000"},
		{name: "hai_duong_in_hai_phong_since_2025", city: "Hải Dương", region: "Hải Phòng", postal: "03000"},
		{name: "quang_nam_in_da_nang_since_2025", city: "Tam Kỳ", region: "Đà Nẵng", postal: "51000"},
		{name: "can_tho", city: "Ninh Kiều", region: "Cần Thơ", postal: "94000"},
		{name: "ca_mau", city: "Cà Mau", region: "Cà Mau", postal: "98000"},
		{name: "old_six_digit_code_not_checked", city: "Quận 1", region: "Hà Nội", postal: "700000"},
		{name: "hcmc_code_in_hanoi", city: "Quận 1", region: "Hà Nội", postal: "70000", mismatch: true,
			suggestion: "correct the postal code or the region: 70000 belongs to Ho Chi Minh City (SG)"},
		{name: "binh_duong_code_in_dong_nai", city: "Thủ Dầu Một", region: "Đồng Nai", postal: "75000", mismatch: true,
			suggestion: "correct the postal code or the region: 75000 belongs to Bình Dương (57), since July 2025 part of Ho Chi Minh City (SG)"},
		{name: "da_nang_code_in_quang_nam", city: "Hải Châu", region: "Quảng Nam", postal: "50000", mismatch: true},
	},
	"MY": {
		{name: "petronas_towers_kl", city: "Kuala Lumpur", region: "W.P. Kuala Lumpur", postal: "50088"},
		{name: "frim_kepong_selangor_uses_kl_code", city: "Kepong", region: "Selangor", postal: "52109"},
		{name: "sunway_pyramid", city: "Subang Jaya", region: "Selangor", postal: "47500"},
		{name: "komtar_penang", city: "George Town", region: "Pulau Pinang", postal: "10000"},
		{name: "perdana_putra", city: "Putrajaya", region: "Putrajaya", postal: "62502"},
		{name: "kota_kinabalu", city: "Kota Kinabalu", region: "Sabah", postal: "88000"},
		{name: "kuching", city: "Kuching", region: "Sarawak", postal: "93050"},
		{name: "bandar_baharu_kedah_in_perak_range", city: "Bandar Baharu", region: "Kedah", postal: "34950"},
		{name: "genting_highlands", city: "Genting Highlands", region: "Pahang", postal: "69000"},
		{name: "penang_code_in_johor", city: "George Town", region: "Johor", postal: "10000", mismatch: true,
			suggestion: "correct the postal code or the region: 10000 belongs to Pulau Pinang (07)"},
		{name: "sabah_code_in_sarawak", city: "Kota Kinabalu", region: "Sarawak", postal: "88000", mismatch: true},
		{name: "subang_jaya_code_in_kl", city: "Subang Jaya", region: "Kuala Lumpur", postal: "47500", mismatch: true},
	},
	"ID": {
		{name: "monas_jakarta_pusat", city: "Jakarta Pusat", region: "DKI Jakarta", postal: "10110"},
		{name: "gedung_sate_bandung", city: "Bandung", region: "Jawa Barat", postal: "40115"},
		{name: "soekarno_hatta_airport_banten", city: "Tangerang", region: "Banten", postal: "15126"},
		{name: "ugm_sleman", city: "Sleman", region: "DI Yogyakarta", postal: "55281"},
		{name: "tugu_pahlawan_surabaya", city: "Surabaya", region: "Jawa Timur", postal: "60175"},
		{name: "batam_riau_islands", city: "Batam", region: "Kepri", postal: "29461"},
		{name: "mamuju_west_sulawesi", city: "Mamuju", region: "Sulawesi Barat", postal: "91511"},
		{name: "tarakan_north_kalimantan", city: "Tarakan", region: "Kalimantan Utara", postal: "77111"},
		{name: "merauke_south_papua_2022", city: "Merauke", region: "Papua Selatan", postal: "99611"},
		{name: "airport_code_in_jakarta", city: "Tangerang", region: "DKI Jakarta", postal: "15126", mismatch: true,
			suggestion: "correct the postal code or the region: 15126 belongs to Banten (BT)"},
		{name: "yogyakarta_code_in_central_java", city: "Sleman", region: "Jawa Tengah", postal: "55281", mismatch: true},
		{name: "bali_code_in_west_nusa_tenggara", city: "Denpasar", region: "NTB", postal: "80227", mismatch: true},
	},
	"PH": {
		{name: "ayala_makati", city: "Makati", region: "Metro Manila", postal: "1226"},
		{name: "cebu_city", city: "Cebu City", region: "Cebu", postal: "6000"},
		{name: "cebu_city_by_region", city: "Cebu City", region: "Central Visayas", postal: "6000"},
		{name: "baguio_benguet", city: "Baguio", region: "Benguet", postal: "2600"},
		{name: "baguio_cordillera", city: "Baguio", region: "CAR", postal: "2600"},
		{name: "antipolo_rizal_18xx", city: "Antipolo", region: "Rizal", postal: "1870"},
		{name: "marikina_metro_manila_18xx", city: "Marikina", region: "NCR", postal: "1800"},
		{name: "davao_city", city: "Davao City", region: "Davao del Sur", postal: "8000"},
		{name: "alabel_sarangani", city: "Alabel", region: "Sarangani", postal: "9501"},
		{name: "general_santos_soccsksargen", city: "General Santos", region: "Region XII", postal: "9500"},
		{name: "cotabato_city_written_cotabato", city: "Cotabato City", region: "Cotabato", postal: "9600"},
		{name: "isabela_city_zamboanga_peninsula", city: "Isabela City", region: "Zamboanga Peninsula", postal: "7300"},
		{name: "makati_code_in_cebu", city: "Makati", region: "Cebu", postal: "1226", mismatch: true,
			suggestion: "correct the postal code or the region: 1226 belongs to Metro Manila (00)"},
		{name: "cebu_code_in_metro_manila", city: "Cebu City", region: "Metro Manila", postal: "6000", mismatch: true,
			suggestion: "correct the postal code or the region: 6000 belongs to Cebu (CEB), in Central Visayas (07)"},
		{name: "quezon_city_is_not_quezon_province", city: "Quezon City", region: "Quezon", postal: "1100", mismatch: true},
		{name: "iloilo_code_in_eastern_visayas", city: "Iloilo City", region: "Eastern Visayas", postal: "5000", mismatch: true},
	},
	"AU": {
		{name: "mildura_vic", city: "Mildura", region: "VIC", postal: "3500"},
		{name: "paringi_nsw_uses_3500", city: "Paringi", region: "NSW", postal: "3500"},
		{name: "jennings_nsw_uses_qld_4383", city: "Jennings", region: "NSW", postal: "4383"},
		{name: "parliament_house_canberra", city: "Canberra", region: "ACT", postal: "2600"},
		{name: "queanbeyan_nsw_2620", city: "Queanbeyan", region: "NSW", postal: "2620"},
		{name: "amata_sa_0872", city: "Amata", region: "SA", postal: "0872"},
		{name: "canberra_code_in_nsw", city: "Canberra", region: "NSW", postal: "2600", mismatch: true},
		{name: "darwin_code_in_sa", city: "Darwin", region: "SA", postal: "0800", mismatch: true},
		{name: "sydney_code_in_act", city: "Sydney", region: "ACT", postal: "2000", mismatch: true},
	},
	"CA": {
		{name: "place_du_portage_gatineau_k1a", city: "Gatineau", region: "QC", postal: "K1A 0S5"},
		{name: "parliament_ottawa_k1a", city: "Ottawa", region: "ON", postal: "K1A 0A6"},
		{name: "flin_flon_saskatchewan_side", city: "Flin Flon", region: "SK", postal: "R8A 1N6"},
		{name: "montreal_code_in_ontario", city: "Montréal", region: "Ontario", postal: "H2X 1L7", mismatch: true},
	},
}

// TestPostalRegion: in every market whose postal codes encode the region, a published address
// passes and the same address with a region it is not in is held, naming the region it is in.
func TestPostalRegion(t *testing.T) {
	t.Parallel()
	for country, cases := range postalRegionCases {
		for _, c := range cases {
			t.Run(country+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				r := Check(model.Address{City: c.city, Region: c.region, PostalCode: c.postal, Country: country})
				var got *Problem
				for i, p := range r.Problems {
					if p.Code == CodePostalCodeFormat || p.Code == CodeRegionUnknown {
						t.Fatalf("the case itself is wrong: %+v", p)
					}
					if p.Code == CodePostalRegionMismatch {
						got = &r.Problems[i]
					}
				}
				switch {
				case got == nil && c.mismatch:
					t.Fatalf("no mismatch for %s in %q\n%s", c.postal, c.region, describe(r))
				case got != nil && !c.mismatch:
					t.Fatalf("unexpected mismatch: %s (%s)", got.Message, got.Suggestion)
				case got == nil:
					return
				}
				if got.Field != "postal_code" {
					t.Errorf("field %q, want postal_code", got.Field)
				}
				sub, _ := lookupRegion(country, c.region)
				if !strings.Contains(got.Message, "but the region is "+sub.name+" ("+sub.code+")") {
					t.Errorf("message %q does not name the region given", got.Message)
				}
				if c.suggestion != "" && got.Suggestion != c.suggestion {
					t.Errorf("suggestion\n  %q, want\n  %q", got.Suggestion, c.suggestion)
				}
			})
		}
	}
}

// postalTables lists every market's postal-region data, for the consistency tests.
var postalTables = []struct {
	country    string
	byTwo      *[100]string
	exceptions []postalPrefix
}{
	{"MX", &mxStatesByPrefix, nil},
	{"TH", &thProvincesByPrefix, nil},
	{"VN", &vnProvincesByPrefix, nil},
	{"MY", &myStatesByPrefix, myPostcodeExceptions},
	{"ID", &idProvincesByPrefix, nil},
	{"PH", &phProvincesByPrefix, phZIPExceptions},
	{"CA", nil, caPostalExceptions},
	{"AU", nil, auPostcodeExceptions},
}

// TestPostalTablesNameRealRegions: every code in a postal table is the code of a region of the
// market's region list (a typo would silently accept or reject), exceptions are never hidden
// behind a shorter prefix listed before them, and parents are real regions that are not
// themselves merged away.
func TestPostalTablesNameRealRegions(t *testing.T) {
	t.Parallel()
	checkCodes := func(t *testing.T, country, where, codes string) {
		t.Helper()
		if codes == "" {
			t.Errorf("%s %s: empty region list", country, where)
		}
		for w, rest := nextWord(codes); w != ""; w, rest = nextWord(rest) {
			if s, ok := lookupRegion(country, w); !ok || s.code != w {
				t.Errorf("%s %s: %q is not a region code", country, where, w)
			}
		}
	}
	for _, tab := range postalTables {
		if tab.byTwo != nil {
			for p, codes := range tab.byTwo {
				if codes != "" {
					checkCodes(t, tab.country, "prefix "+string(rune('0'+p/10))+string(rune('0'+p%10)), codes)
				}
			}
		}
		for i, e := range tab.exceptions {
			checkCodes(t, tab.country, "exception "+e.prefix, e.regions)
			for _, earlier := range tab.exceptions[:i] {
				if strings.HasPrefix(e.prefix, earlier.prefix) {
					t.Errorf("%s exception %s is hidden by %s listed before it", tab.country, e.prefix, earlier.prefix)
				}
			}
		}
	}
	for country, p := range regionParents {
		for child, parents := range p.of {
			checkCodes(t, country, "parent of "+child, child)
			checkCodes(t, country, "parents of "+child, parents)
			for w, rest := nextWord(parents); w != ""; w, rest = nextWord(rest) {
				if p.of[w] != "" {
					t.Errorf("%s: %s's parent %s has a parent itself", country, child, w)
				}
			}
		}
	}
}

// TestPostalTablesCoverEveryRegion: each subdivision of the new markets has postal codes of its
// own in the table; only a Philippine region may instead contain a province that has.
func TestPostalTablesCoverEveryRegion(t *testing.T) {
	t.Parallel()
	for _, tab := range postalTables {
		if tab.byTwo == nil || tab.country == "MX" {
			continue
		}
		seen := map[string]bool{}
		add := func(codes string) {
			for w, rest := nextWord(codes); w != ""; w, rest = nextWord(rest) {
				seen[w] = true
				if tab.country != "PH" {
					continue
				}
				for up, r := nextWord(phRegionOfProvince[w]); up != ""; up, r = nextWord(r) {
					seen[up] = true
				}
			}
		}
		for _, codes := range tab.byTwo {
			add(codes)
		}
		for _, e := range tab.exceptions {
			add(e.regions)
		}
		for _, s := range regionTables[tab.country].subs {
			if !seen[s.code] {
				t.Errorf("%s: %s (%s) has no postal codes in the table", tab.country, s.name, s.code)
			}
		}
	}
}

// TestPostalRegionEveryPrefix walks every prefix of the two-digit tables: each region listed
// for it, and each region containing one of them, is accepted; every other region of the
// market is held.
func TestPostalRegionEveryPrefix(t *testing.T) {
	t.Parallel()
	for _, tab := range postalTables {
		if tab.byTwo == nil {
			continue
		}
		length := 5
		if tab.country == "PH" {
			length = 4
		}
		for p, codes := range tab.byTwo {
			if codes == "" {
				continue
			}
			pc := string(rune('0'+p/10)) + string(rune('0'+p%10)) + strings.Repeat("9", length-2)
			if r, ok := postalException(tab.exceptions, pc); ok {
				codes = r
			}
			accepted := map[string]bool{}
			for w, rest := nextWord(codes); w != ""; w, rest = nextWord(rest) {
				accepted[w] = true
				for up, r := nextWord(regionParents[tab.country].of[w]); up != ""; up, r = nextWord(r) {
					accepted[up] = true
				}
			}
			for _, s := range regionTables[tab.country].subs {
				_, bad := postalRegionMismatch(tab.country, pc, s)
				if bad == accepted[s.code] {
					t.Errorf("%s %s in %s (%s): mismatch = %v", tab.country, pc, s.name, s.code, bad)
				}
			}
		}
	}
}
