package address

// subdivisionsVN: the 58 provinces and 5 centrally governed cities of ISO 3166-2:VN. The 2025
// reform merged them into 34 units, each named after one of the old ones, so every new name is
// still recognised here (mapped to the code of the old unit of that name). Names are given in
// Vietnamese; keys drop the diacritics, so "Da Nang", "Đà Nẵng" and "DA NANG" all match.
var subdivisionsVN = []subdivision{
	{"HN", "Hà Nội", []string{"Hanoi", "Ha Noi City", "Hanoi City"}},
	{"SG", "Ho Chi Minh City", []string{"Hồ Chí Minh", "Thành phố Hồ Chí Minh", "TP HCM", "TPHCM", "HCMC", "HCM",
		"Saigon", "Sài Gòn", "Sai Gon"}},
	{"DN", "Đà Nẵng", []string{"Danang", "Da Nang City"}},
	{"HP", "Hải Phòng", []string{"Haiphong", "Hai Phong City"}},
	{"CT", "Cần Thơ", []string{"Can Tho City"}},
	{"44", "An Giang", nil},
	{"43", "Bà Rịa–Vũng Tàu", []string{"Ba Ria Vung Tau", "BR-VT", "Vung Tau"}},
	{"54", "Bắc Giang", nil},
	{"53", "Bắc Kạn", []string{"Bac Can"}},
	{"55", "Bạc Liêu", nil},
	{"56", "Bắc Ninh", nil},
	{"50", "Bến Tre", nil},
	{"31", "Bình Định", nil},
	{"57", "Bình Dương", nil},
	{"58", "Bình Phước", nil},
	{"40", "Bình Thuận", nil},
	{"59", "Cà Mau", nil},
	{"04", "Cao Bằng", nil},
	{"33", "Đắk Lắk", []string{"Dak Lak", "Daklak", "Dac Lac"}},
	{"72", "Đắk Nông", []string{"Dak Nong"}},
	{"71", "Điện Biên", nil},
	{"39", "Đồng Nai", nil},
	{"45", "Đồng Tháp", nil},
	{"30", "Gia Lai", nil},
	{"03", "Hà Giang", nil},
	{"63", "Hà Nam", nil},
	{"23", "Hà Tĩnh", nil},
	{"61", "Hải Dương", nil},
	{"73", "Hậu Giang", nil},
	{"14", "Hòa Bình", []string{"Hoà Bình"}},
	{"66", "Hưng Yên", nil},
	{"34", "Khánh Hòa", []string{"Khánh Hoà"}},
	{"47", "Kiên Giang", nil},
	{"28", "Kon Tum", []string{"Kontum"}},
	{"01", "Lai Châu", nil},
	{"35", "Lâm Đồng", nil},
	{"09", "Lạng Sơn", nil},
	{"02", "Lào Cai", nil},
	{"41", "Long An", nil},
	{"67", "Nam Định", nil},
	{"22", "Nghệ An", nil},
	{"18", "Ninh Bình", nil},
	{"36", "Ninh Thuận", nil},
	{"68", "Phú Thọ", nil},
	{"32", "Phú Yên", nil},
	{"24", "Quảng Bình", nil},
	{"27", "Quảng Nam", nil},
	{"29", "Quảng Ngãi", nil},
	{"13", "Quảng Ninh", nil},
	{"25", "Quảng Trị", nil},
	{"52", "Sóc Trăng", nil},
	{"05", "Sơn La", nil},
	{"37", "Tây Ninh", nil},
	{"20", "Thái Bình", nil},
	{"69", "Thái Nguyên", nil},
	{"21", "Thanh Hóa", []string{"Thanh Hoá"}},
	{"26", "Huế", []string{"Thừa Thiên Huế", "Thừa Thiên–Huế", "Hue City"}},
	{"46", "Tiền Giang", nil},
	{"51", "Trà Vinh", nil},
	{"07", "Tuyên Quang", nil},
	{"49", "Vĩnh Long", nil},
	{"70", "Vĩnh Phúc", nil},
	{"06", "Yên Bái", nil},
}

// vnProvincesByPrefix maps the first two digits of a 5-digit national postal code (Vietnam
// Post, in use since 2018) to the province of the 63 it was issued for.
var vnProvincesByPrefix = twoDigitTable([]prefixRange{
	{1, 2, "13"},   // Quảng Ninh
	{3, 3, "61"},   // Hải Dương
	{4, 5, "HP"},   // Hải Phòng
	{6, 6, "20"},   // Thái Bình
	{7, 7, "67"},   // Nam Định
	{8, 8, "18"},   // Ninh Bình
	{10, 14, "HN"}, // Hà Nội
	{15, 15, "70"}, // Vĩnh Phúc
	{16, 16, "56"}, // Bắc Ninh
	{17, 17, "66"}, // Hưng Yên
	{18, 18, "63"}, // Hà Nam
	{20, 20, "03"}, // Hà Giang
	{21, 21, "04"}, // Cao Bằng
	{22, 22, "07"}, // Tuyên Quang
	{23, 23, "53"}, // Bắc Kạn
	{24, 24, "69"}, // Thái Nguyên
	{25, 25, "09"}, // Lạng Sơn
	{26, 26, "54"}, // Bắc Giang
	{30, 30, "01"}, // Lai Châu
	{31, 31, "02"}, // Lào Cai
	{32, 32, "71"}, // Điện Biên
	{33, 33, "06"}, // Yên Bái
	{34, 34, "05"}, // Sơn La
	{35, 35, "68"}, // Phú Thọ
	{36, 36, "14"}, // Hòa Bình
	{40, 42, "21"}, // Thanh Hóa
	{43, 44, "22"}, // Nghệ An
	{45, 46, "23"}, // Hà Tĩnh
	{47, 47, "24"}, // Quảng Bình
	{48, 48, "25"}, // Quảng Trị
	{49, 49, "26"}, // Huế
	{50, 50, "DN"}, // Đà Nẵng
	{51, 52, "27"}, // Quảng Nam
	{53, 54, "29"}, // Quảng Ngãi
	{55, 55, "31"}, // Bình Định
	{56, 56, "32"}, // Phú Yên
	{57, 57, "34"}, // Khánh Hòa
	{59, 59, "36"}, // Ninh Thuận
	{60, 60, "28"}, // Kon Tum
	{61, 62, "30"}, // Gia Lai
	{63, 64, "33"}, // Đắk Lắk
	{65, 65, "72"}, // Đắk Nông
	{66, 66, "35"}, // Lâm Đồng
	{67, 67, "58"}, // Bình Phước
	{70, 74, "SG"}, // Ho Chi Minh City
	{75, 75, "57"}, // Bình Dương
	{76, 76, "39"}, // Đồng Nai
	{77, 77, "40"}, // Bình Thuận
	{78, 78, "43"}, // Bà Rịa–Vũng Tàu
	{80, 80, "37"}, // Tây Ninh
	{81, 81, "45"}, // Đồng Tháp
	{82, 83, "41"}, // Long An
	{84, 84, "46"}, // Tiền Giang
	{85, 85, "49"}, // Vĩnh Long
	{86, 86, "50"}, // Bến Tre
	{87, 87, "51"}, // Trà Vinh
	{90, 90, "44"}, // An Giang
	{91, 92, "47"}, // Kiên Giang
	{94, 94, "CT"}, // Cần Thơ
	{95, 95, "73"}, // Hậu Giang
	{96, 96, "52"}, // Sóc Trăng
	{97, 97, "55"}, // Bạc Liêu
	{98, 98, "59"}, // Cà Mau
})

// vnMergedInto2025 maps each province merged away in the 2025 reform (National Assembly
// Resolution 202/2025/QH15, in force 1 July 2025) to the unit it joined, which kept the name,
// and here the code, of one of the old ones. Postal codes did not change, so a postal code of
// Bình Dương is right with Bình Dương and with Ho Chi Minh City.
var vnMergedInto2025 = map[string]string{
	"03": "07", // Hà Giang → Tuyên Quang
	"06": "02", // Yên Bái → Lào Cai
	"53": "69", // Bắc Kạn → Thái Nguyên
	"70": "68", // Vĩnh Phúc → Phú Thọ
	"14": "68", // Hòa Bình → Phú Thọ
	"54": "56", // Bắc Giang → Bắc Ninh
	"20": "66", // Thái Bình → Hưng Yên
	"61": "HP", // Hải Dương → Hải Phòng
	"63": "18", // Hà Nam → Ninh Bình
	"67": "18", // Nam Định → Ninh Bình
	"24": "25", // Quảng Bình → Quảng Trị
	"27": "DN", // Quảng Nam → Đà Nẵng
	"28": "29", // Kon Tum → Quảng Ngãi
	"31": "30", // Bình Định → Gia Lai
	"36": "34", // Ninh Thuận → Khánh Hòa
	"72": "35", // Đắk Nông → Lâm Đồng
	"40": "35", // Bình Thuận → Lâm Đồng
	"32": "33", // Phú Yên → Đắk Lắk
	"57": "SG", // Bình Dương → Ho Chi Minh City
	"43": "SG", // Bà Rịa–Vũng Tàu → Ho Chi Minh City
	"58": "39", // Bình Phước → Đồng Nai
	"41": "37", // Long An → Tây Ninh
	"52": "CT", // Sóc Trăng → Cần Thơ
	"73": "CT", // Hậu Giang → Cần Thơ
	"50": "49", // Bến Tre → Vĩnh Long
	"51": "49", // Trà Vinh → Vĩnh Long
	"46": "45", // Tiền Giang → Đồng Tháp
	"55": "59", // Bạc Liêu → Cà Mau
	"47": "44", // Kiên Giang → An Giang
}
