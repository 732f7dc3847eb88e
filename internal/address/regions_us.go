package address

// subdivisionsUS: the 50 states, DC and the inhabited territories (ISO 3166-2:US, equal to the
// USPS abbreviations), plus what USPS also delivers to with a US address: the freely associated
// states (FM, MH, PW) and the military "states" for APO/FPO/DPO mail (AA, AE, AP).
var subdivisionsUS = []subdivision{
	{"AL", "Alabama", []string{"Ala"}},
	{"AK", "Alaska", nil},
	{"AZ", "Arizona", []string{"Ariz"}},
	{"AR", "Arkansas", []string{"Ark"}},
	{"CA", "California", []string{"Calif", "Cali"}},
	{"CO", "Colorado", []string{"Colo"}},
	{"CT", "Connecticut", []string{"Conn"}},
	{"DE", "Delaware", []string{"Del"}},
	{"DC", "District of Columbia", []string{"Washington DC", "Washington D.C.", "D.C."}},
	{"FL", "Florida", []string{"Fla"}},
	{"GA", "Georgia", nil},
	{"HI", "Hawaii", []string{"Hawai'i"}},
	{"ID", "Idaho", nil},
	{"IL", "Illinois", []string{"Ill"}},
	{"IN", "Indiana", []string{"Ind"}},
	{"IA", "Iowa", nil},
	{"KS", "Kansas", []string{"Kans"}},
	{"KY", "Kentucky", nil},
	{"LA", "Louisiana", nil},
	{"ME", "Maine", nil},
	{"MD", "Maryland", nil},
	{"MA", "Massachusetts", []string{"Mass"}},
	{"MI", "Michigan", []string{"Mich"}},
	{"MN", "Minnesota", []string{"Minn"}},
	{"MS", "Mississippi", []string{"Miss"}},
	{"MO", "Missouri", nil},
	{"MT", "Montana", []string{"Mont"}},
	{"NE", "Nebraska", []string{"Nebr"}},
	{"NV", "Nevada", []string{"Nev"}},
	{"NH", "New Hampshire", nil},
	{"NJ", "New Jersey", nil},
	{"NM", "New Mexico", nil},
	{"NY", "New York", []string{"New York State", "NYS"}},
	{"NC", "North Carolina", nil},
	{"ND", "North Dakota", nil},
	{"OH", "Ohio", nil},
	{"OK", "Oklahoma", []string{"Okla"}},
	{"OR", "Oregon", []string{"Ore"}},
	{"PA", "Pennsylvania", []string{"Penn", "Penna"}},
	{"RI", "Rhode Island", nil},
	{"SC", "South Carolina", nil},
	{"SD", "South Dakota", nil},
	{"TN", "Tennessee", []string{"Tenn"}},
	{"TX", "Texas", []string{"Tex"}},
	{"UT", "Utah", nil},
	{"VT", "Vermont", nil},
	{"VA", "Virginia", nil},
	{"WA", "Washington", []string{"Wash", "Washington State"}},
	{"WV", "West Virginia", nil},
	{"WI", "Wisconsin", []string{"Wis", "Wisc"}},
	{"WY", "Wyoming", nil},
	{"AS", "American Samoa", nil},
	{"GU", "Guam", nil},
	{"MP", "Northern Mariana Islands", []string{"Northern Marianas", "CNMI"}},
	{"PR", "Puerto Rico", nil},
	{"VI", "U.S. Virgin Islands", []string{"Virgin Islands", "US Virgin Islands", "USVI"}},
	{"UM", "United States Minor Outlying Islands", nil},
	{"FM", "Federated States of Micronesia", []string{"Micronesia"}},
	{"MH", "Marshall Islands", nil},
	{"PW", "Palau", nil},
	{"AA", "Armed Forces Americas", []string{"Armed Forces America"}},
	{"AE", "Armed Forces Europe", []string{"Armed Forces Africa", "Armed Forces Middle East", "Armed Forces Canada"}},
	{"AP", "Armed Forces Pacific", nil},
}

// usZIP3 maps ranges of the first three ZIP digits to the states USPS delivers them in, for
// the postal_code_region_mismatch check. Ranges not listed are not checked.
var usZIP3 = []struct {
	lo, hi int
	states string
}{
	{5, 5, "NY"}, {6, 7, "PR"}, {8, 8, "VI"}, {9, 9, "PR"},
	{10, 27, "MA"}, {28, 29, "RI"}, {30, 38, "NH"}, {39, 49, "ME"}, {50, 54, "VT"}, {55, 55, "MA"},
	{56, 59, "VT"}, {60, 69, "CT"}, {70, 89, "NJ"}, {90, 98, "AE"},
	{100, 149, "NY"}, {150, 196, "PA"}, {197, 199, "DE"}, {200, 200, "DC"}, {201, 201, "VA"},
	{202, 205, "DC"}, {206, 219, "MD"}, {220, 246, "VA"}, {247, 268, "WV"}, {270, 289, "NC"},
	{290, 299, "SC"}, {300, 319, "GA"}, {320, 339, "FL"}, {340, 340, "AA"}, {341, 349, "FL"},
	{350, 369, "AL"}, {370, 385, "TN"}, {386, 397, "MS"}, {398, 399, "GA"}, {400, 427, "KY"},
	{430, 459, "OH"}, {460, 479, "IN"}, {480, 499, "MI"}, {500, 528, "IA"}, {530, 549, "WI"},
	{550, 567, "MN"}, {570, 577, "SD"}, {580, 588, "ND"}, {590, 599, "MT"}, {600, 629, "IL"},
	{630, 658, "MO"}, {660, 679, "KS"}, {680, 693, "NE"}, {700, 714, "LA"}, {716, 729, "AR"},
	{730, 732, "OK"}, {733, 733, "TX"}, {734, 749, "OK"}, {750, 799, "TX"}, {800, 816, "CO"},
	{820, 831, "WY"}, {832, 838, "ID"}, {840, 847, "UT"}, {850, 865, "AZ"}, {870, 884, "NM"},
	{885, 885, "TX"}, {889, 898, "NV"}, {900, 961, "CA"}, {962, 966, "AP"}, {967, 967, "HI AS"},
	{968, 968, "HI"}, {969, 969, "GU MP PW FM MH"}, {970, 979, "OR"}, {980, 994, "WA"},
	{995, 999, "AK"},
}

// usStatesByZIP3 is usZIP3 as an array indexed by the 3-digit prefix.
var usStatesByZIP3 = func() (a [1000]string) {
	for _, r := range usZIP3 {
		for p := r.lo; p <= r.hi; p++ {
			a[p] = r.states
		}
	}
	return a
}()

// regionForPostalUS returns the states of a normalised ZIP code ("" when unknown).
func regionForPostalUS(zip string) string {
	if len(zip) < 3 || !allDigits(zip[:3]) {
		return ""
	}
	return usStatesByZIP3[int(zip[0]-'0')*100+int(zip[1]-'0')*10+int(zip[2]-'0')]
}
