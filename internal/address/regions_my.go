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
