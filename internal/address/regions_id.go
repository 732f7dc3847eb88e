package address

// subdivisionsID: the 38 provinces (ISO 3166-2:ID, including the four Papua provinces created
// in 2022), with Indonesian names, English names and the abbreviations buyers write (DKI, DIY,
// NTB, NTT, Kepri, Babel). Both spellings Sumatera/Sumatra are accepted.
var subdivisionsID = []subdivision{
	{"AC", "Aceh", []string{"Nanggroe Aceh Darussalam", "NAD", "Daerah Istimewa Aceh"}},
	{"BA", "Bali", nil},
	{"BB", "Bangka Belitung Islands", []string{"Kepulauan Bangka Belitung", "Bangka Belitung", "Babel"}},
	{"BE", "Bengkulu", nil},
	{"BT", "Banten", nil},
	{"GO", "Gorontalo", nil},
	{"JA", "Jambi", nil},
	{"JB", "West Java", []string{"Jawa Barat", "Jabar"}},
	{"JI", "East Java", []string{"Jawa Timur", "Jatim"}},
	{"JK", "Jakarta", []string{"DKI Jakarta", "Jakarta Raya", "Daerah Khusus Ibukota Jakarta", "Daerah Khusus Jakarta",
		"Special Capital Region of Jakarta", "DKI"}},
	{"JT", "Central Java", []string{"Jawa Tengah", "Jateng"}},
	{"KB", "West Kalimantan", []string{"Kalimantan Barat", "Kalbar"}},
	{"KI", "East Kalimantan", []string{"Kalimantan Timur", "Kaltim"}},
	{"KR", "Riau Islands", []string{"Kepulauan Riau", "Kepri"}},
	{"KS", "South Kalimantan", []string{"Kalimantan Selatan", "Kalsel"}},
	{"KT", "Central Kalimantan", []string{"Kalimantan Tengah", "Kalteng"}},
	{"KU", "North Kalimantan", []string{"Kalimantan Utara", "Kaltara"}},
	{"LA", "Lampung", nil},
	{"MA", "Maluku", []string{"Moluccas"}},
	{"MU", "North Maluku", []string{"Maluku Utara", "Malut"}},
	{"NB", "West Nusa Tenggara", []string{"Nusa Tenggara Barat", "NTB"}},
	{"NT", "East Nusa Tenggara", []string{"Nusa Tenggara Timur", "NTT"}},
	{"PA", "Papua", nil},
	{"PB", "West Papua", []string{"Papua Barat"}},
	{"PD", "Southwest Papua", []string{"Papua Barat Daya"}},
	{"PE", "Highland Papua", []string{"Papua Pegunungan"}},
	{"PS", "South Papua", []string{"Papua Selatan"}},
	{"PT", "Central Papua", []string{"Papua Tengah"}},
	{"RI", "Riau", nil},
	{"SA", "North Sulawesi", []string{"Sulawesi Utara", "Sulut"}},
	{"SB", "West Sumatra", []string{"Sumatera Barat", "Sumatra Barat", "West Sumatera", "Sumbar"}},
	{"SG", "Southeast Sulawesi", []string{"Sulawesi Tenggara", "Sultra"}},
	{"SN", "South Sulawesi", []string{"Sulawesi Selatan", "Sulsel"}},
	{"SR", "West Sulawesi", []string{"Sulawesi Barat", "Sulbar"}},
	{"SS", "South Sumatra", []string{"Sumatera Selatan", "Sumatra Selatan", "South Sumatera", "Sumsel"}},
	{"ST", "Central Sulawesi", []string{"Sulawesi Tengah", "Sulteng"}},
	{"SU", "North Sumatra", []string{"Sumatera Utara", "Sumatra Utara", "North Sumatera", "Sumut"}},
	{"YO", "Yogyakarta", []string{"DI Yogyakarta", "Daerah Istimewa Yogyakarta", "Special Region of Yogyakarta", "DIY", "Jogja", "Jogjakarta"}},
}

// idProvincesByPrefix maps the first two digits of a kode pos to the provinces that use them.
// Pos Indonesia's first digit is the zone (1 Jakarta and its Banten and West Java suburbs, 2
// northern Sumatra, 3 southern Sumatra, 4 Banten and West Java, 5 Central Java and Yogyakarta,
// 6 East Java, 7 Kalimantan, 8 Bali and Nusa Tenggara, 9 Sulawesi, Maluku, Papua) and the
// next two the regency, so two digits tell the province. Provinces split off since the codes
// were given keep their parent's prefix: Riau Islands (29, with Riau), West Sulawesi (91, with
// South Sulawesi), North Kalimantan (77, with East Kalimantan), North Maluku (97, with Maluku)
// and the Papua provinces of 2003 and 2022 (98, 99).
var idProvincesByPrefix = twoDigitTable([]prefixRange{
	{10, 14, "JK"}, {15, 15, "BT"}, {16, 17, "JB"}, // Jakarta; Tangerang; Bogor, Depok, Bekasi
	{20, 22, "SU"}, {23, 24, "AC"}, {25, 27, "SB"}, {28, 28, "RI"}, {29, 29, "RI KR"},
	{30, 32, "SS"}, {33, 33, "BB"}, {34, 35, "LA"}, {36, 37, "JA"}, {38, 39, "BE"},
	{40, 41, "JB"}, {42, 42, "BT"}, {43, 46, "JB"},
	{50, 54, "JT"}, {55, 55, "YO"}, {56, 59, "JT"},
	{60, 69, "JI"},
	{70, 72, "KS"}, {73, 74, "KT"}, {75, 76, "KI"}, {77, 77, "KI KU"}, {78, 79, "KB"},
	{80, 82, "BA"}, {83, 84, "NB"}, {85, 87, "NT"},
	{90, 90, "SN"}, {91, 91, "SN SR"}, {92, 92, "SN"}, {93, 93, "SG"}, {94, 94, "ST"},
	{95, 95, "SA"}, {96, 96, "GO"}, {97, 97, "MA MU"}, {98, 99, "PA PB PD PE PS PT"},
})
