package address

// subdivisionsMY: the 13 states and 3 federal territories (ISO 3166-2:MY numeric codes), with
// Malay and English names and the three-letter state abbreviations in common use (JHR, KUL…).
var subdivisionsMY = []subdivision{
	{"01", "Johor", []string{"Johore", "Johor Darul Ta'zim", "JHR"}},
	{"02", "Kedah", []string{"Kedah Darul Aman", "KDH"}},
	{"03", "Kelantan", []string{"Kelantan Darul Naim", "KTN"}},
	{"04", "Melaka", []string{"Malacca", "MLK"}},
	{"05", "Negeri Sembilan", []string{"N. Sembilan", "NSN"}},
	{"06", "Pahang", []string{"Pahang Darul Makmur", "PHG"}},
	{"07", "Pulau Pinang", []string{"Penang", "P. Pinang", "Pinang", "PNG"}},
	{"08", "Perak", []string{"Perak Darul Ridzuan", "PRK"}},
	{"09", "Perlis", []string{"PLS"}},
	{"10", "Selangor", []string{"Selangor Darul Ehsan", "SGR"}},
	{"11", "Terengganu", []string{"Trengganu", "Terengganu Darul Iman", "TRG"}},
	{"12", "Sabah", []string{"SBH"}},
	{"13", "Sarawak", []string{"SWK"}},
	{"14", "Kuala Lumpur", []string{"W.P. Kuala Lumpur", "WP Kuala Lumpur", "Wilayah Persekutuan Kuala Lumpur",
		"Federal Territory of Kuala Lumpur", "KL", "KUL"}},
	{"15", "Labuan", []string{"W.P. Labuan", "Wilayah Persekutuan Labuan", "Federal Territory of Labuan", "LBN"}},
	{"16", "Putrajaya", []string{"W.P. Putrajaya", "Wilayah Persekutuan Putrajaya", "Federal Territory of Putrajaya", "PJY"}},
}

// myStatesByPrefix maps the first two digits of a Malaysian postcode to the states that use
// them (Pos Malaysia assigns ranges by state). Kuala Lumpur's 50000–60000 are also used by the
// Selangor places on the city's edge (Gombak, Kepong, Ampang) and Selangor's 68xxx by parts of
// the city; the hill stations on the Pahang border (Cameron Highlands 39xxx, Fraser's Hill
// 49xxx, Genting Highlands 69xxx) are listed with their neighbour too.
var myStatesByPrefix = twoDigitTable([]prefixRange{
	{1, 2, "09"},      // Perlis
	{5, 9, "02"},      // Kedah
	{10, 14, "07"},    // Pulau Pinang
	{15, 18, "03"},    // Kelantan
	{20, 24, "11"},    // Terengganu
	{25, 28, "06"},    // Pahang
	{30, 36, "08"},    // Perak
	{39, 39, "06 08"}, // Pahang (Cameron Highlands), Perak
	{40, 48, "10"},    // Selangor
	{49, 49, "06 10"}, // Pahang (Fraser's Hill), Selangor
	{50, 60, "14 10"}, // Kuala Lumpur, Selangor
	{62, 62, "16"},    // Putrajaya
	{63, 67, "10"},    // Selangor (Cyberjaya, Sepang, KLIA)
	{68, 68, "10 14"}, // Selangor (Ampang, Batu Caves), Kuala Lumpur
	{69, 69, "06 10"}, // Pahang (Genting Highlands), Selangor
	{70, 74, "05"},    // Negeri Sembilan
	{75, 78, "04"},    // Melaka
	{79, 86, "01"},    // Johor
	{87, 87, "15"},    // Labuan
	{88, 91, "12"},    // Sabah
	{93, 98, "13"},    // Sarawak
})

// myPostcodeExceptions: Bandar Baharu (Kedah) has 34950 in Perak's range; Tanjung Malim (Perak,
// 359xx) and Tampin (Negeri Sembilan, 730xx) are border towns whose codes serve both sides.
var myPostcodeExceptions = []postalPrefix{
	{"34950", "02 08"},
	{"359", "08 10"},
	{"730", "05 04"},
}
