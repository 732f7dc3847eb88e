package label

import "fmt"

// Code 128 (ISO/IEC 15417). Each symbol is 3 bars and 3 spaces, 11 modules wide; the stop
// symbol has a fourth bar and is 13 modules wide. patterns128[v] are the element widths of
// symbol value v, bar first.
var patterns128 = [107]string{
	"212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",
	"221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",
	"221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",
	"212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
	"231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",
	"231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",
	"314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",
	"112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
	"111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
	"214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",
	"114131", "311141", "411131", "211412", "211214", "211232", "2331112",
}

// Code 128 symbol values with a special meaning.
const (
	c128CodeC  = 99  // switch to subset C
	c128CodeB  = 100 // switch to subset B
	c128StartB = 104
	c128StartC = 105
	c128Stop   = 106
)

// Code 128 geometry, in modules.
const (
	c128SymbolModules = 11
	c128StopModules   = 13
	// QuietZoneModules is the clear space each side of a Code 128 symbol: ISO/IEC 15417
	// asks for 10 modules.
	QuietZoneModules = 10
)

// code128 is an encoded Code 128 symbol.
type code128 struct {
	values  []int // start, data, check, stop
	modules int   // width without quiet zones
}

// encode128 encodes s (printable ASCII) as Code 128 with the fewest symbols: subset C for
// runs of digits where it saves symbols, subset B elsewhere. The choice is exact (dynamic
// programming over both subsets), not a rule of thumb, and deterministic: on a tie it stays
// in the current subset, and starts in B.
//
// The ZPL writer leaves the subsets to the printer (^BC automatic mode), whose rules (ISO/IEC
// 15417 Annex E: a run of four or more digits goes into subset C, an odd one with its first
// digit in B) give the fewest symbols too for data in subsets B and C: between two runs of
// digits there is a character of subset B, so each run is packed on its own, and for a run at
// the start, in the middle, at the end or alone those rules take the cheapest choice. The
// symbols may differ where two choices tie; the width does not (TestEncode128AutoMode).
func encode128(s string) (code128, error) {
	if s == "" {
		return code128{}, fmt.Errorf("nothing to encode")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return code128{}, fmt.Errorf("character %q at position %d is not printable ASCII", s[i], i+1)
		}
	}
	const (
		subB = 0
		subC = 1
		inf  = 1 << 30
	)
	n := len(s)
	digit := func(i int) bool { return i < n && s[i] >= '0' && s[i] <= '9' }
	// cost[i][sub] is the fewest symbols encoding s[i:] when the symbol before s[i] left the
	// code in subset sub (a switch costs one symbol).
	cost := make([][2]int, n+1)
	consume := func(i, sub int) int {
		if sub == subC {
			if !digit(i) || !digit(i+1) {
				return inf
			}
			return 1 + cost[i+2][subC]
		}
		return 1 + cost[i+1][subB]
	}
	for i := n - 1; i >= 0; i-- {
		for sub := range 2 {
			cost[i][sub] = min(consume(i, sub), 1+consume(i, 1-sub))
		}
	}
	sub := subB
	if consume(0, subC) < consume(0, subB) {
		sub = subC
	}
	c := code128{values: make([]int, 0, cost[0][sub]+4)}
	if sub == subC {
		c.values = append(c.values, c128StartC)
	} else {
		c.values = append(c.values, c128StartB)
	}
	for i := 0; i < n; {
		if consume(i, sub) > 1+consume(i, 1-sub) {
			sub = 1 - sub
			if sub == subC {
				c.values = append(c.values, c128CodeC)
			} else {
				c.values = append(c.values, c128CodeB)
			}
		}
		if sub == subC {
			c.values = append(c.values, int(s[i]-'0')*10+int(s[i+1]-'0'))
			i += 2
		} else {
			c.values = append(c.values, int(s[i])-32)
			i++
		}
	}
	sum := c.values[0]
	for i, v := range c.values[1:] {
		sum += (i + 1) * v
	}
	c.values = append(c.values, sum%103, c128Stop)
	c.modules = (len(c.values)-1)*c128SymbolModules + c128StopModules
	return c, nil
}

// widths returns the bar and space widths of the symbol in modules, bar first, without
// quiet zones.
func (c code128) widths() []uint8 {
	w := make([]uint8, 0, len(c.values)*6+1)
	for _, v := range c.values {
		for _, d := range patterns128[v] {
			w = append(w, uint8(d-'0'))
		}
	}
	return w
}
