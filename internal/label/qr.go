package label

import (
	"fmt"
	"math/bits"
	"slices"
	"sync"
)

// A QR Code encoder (ISO/IEC 18004, model 2) for byte-mode content up to version 10, written
// for labels: it is fast (tens of microseconds, a batch of 10,000 labels to GB needs 10,000
// symbols) and allocates little, and it can start at a minimum version, which bounds the size
// of the quiet zone around a symbol drawn at a fixed physical size.

// qrECLevel is a QR error-correction level.
type qrECLevel int

// The error-correction levels, recovering about 7%, 15%, 25% and 30% of the symbol.
const (
	qrLevelL qrECLevel = iota
	qrLevelM
	qrLevelQ
	qrLevelH
)

// qrMaxVersion is the largest version this encoder makes.
const qrMaxVersion = 10

// qrBlocks describes one version and level: EC codewords per block, and the number of
// blocks and data codewords per block of the two groups (ISO/IEC 18004 table 9).
type qrBlocks struct{ ec, n1, d1, n2, d2 int }

// qrTable is indexed [version-1][level].
var qrTable = [qrMaxVersion][4]qrBlocks{
	{{7, 1, 19, 0, 0}, {10, 1, 16, 0, 0}, {13, 1, 13, 0, 0}, {17, 1, 9, 0, 0}},
	{{10, 1, 34, 0, 0}, {16, 1, 28, 0, 0}, {22, 1, 22, 0, 0}, {28, 1, 16, 0, 0}},
	{{15, 1, 55, 0, 0}, {26, 1, 44, 0, 0}, {18, 2, 17, 0, 0}, {22, 2, 13, 0, 0}},
	{{20, 1, 80, 0, 0}, {18, 2, 32, 0, 0}, {26, 2, 24, 0, 0}, {16, 4, 9, 0, 0}},
	{{26, 1, 108, 0, 0}, {24, 2, 43, 0, 0}, {18, 2, 15, 2, 16}, {22, 2, 11, 2, 12}},
	{{18, 2, 68, 0, 0}, {16, 4, 27, 0, 0}, {24, 4, 19, 0, 0}, {28, 4, 15, 0, 0}},
	{{20, 2, 78, 0, 0}, {18, 4, 31, 0, 0}, {18, 2, 14, 4, 15}, {26, 4, 13, 1, 14}},
	{{24, 2, 97, 0, 0}, {22, 2, 38, 2, 39}, {22, 4, 18, 2, 19}, {26, 4, 14, 2, 15}},
	{{30, 2, 116, 0, 0}, {22, 3, 36, 2, 37}, {20, 4, 16, 4, 17}, {24, 4, 12, 4, 13}},
	{{18, 2, 68, 2, 69}, {26, 4, 43, 1, 44}, {24, 6, 19, 2, 20}, {28, 6, 15, 2, 16}},
}

// qrAlign lists the alignment-pattern centre coordinates of versions 2 to 10.
var qrAlign = [qrMaxVersion][]int{
	nil, {6, 18}, {6, 22}, {6, 26}, {6, 30}, {6, 34}, {6, 22, 38}, {6, 24, 42}, {6, 26, 46}, {6, 28, 50},
}

// qrFormatLevel is the level's 2-bit code in the format information.
var qrFormatLevel = [4]int{1, 0, 3, 2}

func (b qrBlocks) data() int { return b.n1*b.d1 + b.n2*b.d2 }

// qrCapacity is how many bytes of content version v at level holds in byte mode.
func qrCapacity(v int, level qrECLevel) int {
	bits := qrTable[v-1][level].data()*8 - 4 - qrCountBits(v)
	return bits / 8
}

func qrCountBits(v int) int {
	if v < 10 {
		return 8
	}
	return 16
}

// qrSymbol is an encoded QR symbol: N×N modules, row-major, true for dark.
type qrSymbol struct {
	version int
	n       int
	dark    []bool
}

// encodeQR encodes content in byte mode at level, in the smallest version from minVersion up
// that holds it.
func encodeQR(content string, level qrECLevel, minVersion int) (qrSymbol, error) {
	v := max(minVersion, 1)
	for ; v <= qrMaxVersion && qrCapacity(v, level) < len(content); v++ {
	}
	if v > qrMaxVersion {
		return qrSymbol{}, fmt.Errorf("%d bytes do not fit a version %d QR symbol (at most %d)", len(content), qrMaxVersion, qrCapacity(qrMaxVersion, level))
	}
	blocks := qrTable[v-1][level]

	// Data codewords: mode 0100 (byte), count, bytes, terminator, padding.
	data := make([]byte, 0, blocks.data())
	var acc uint32
	nacc := 0
	put := func(val uint32, bits int) {
		for i := bits - 1; i >= 0; i-- {
			acc = acc<<1 | (val>>uint(i))&1
			nacc++
			if nacc == 8 {
				data = append(data, byte(acc))
				acc, nacc = 0, 0
			}
		}
	}
	put(0b0100, 4)
	put(uint32(len(content)), qrCountBits(v))
	for i := 0; i < len(content); i++ {
		put(uint32(content[i]), 8)
	}
	for t := 0; t < 4 && len(data) < blocks.data(); t++ {
		put(0, 1)
	}
	if nacc > 0 {
		put(0, 8-nacc)
	}
	for pad := byte(0xec); len(data) < blocks.data(); pad ^= 0xec ^ 0x11 {
		data = append(data, pad)
	}

	// Error correction per block, then interleave.
	nb := blocks.n1 + blocks.n2
	gen := rsGenerator(blocks.ec)
	total := qrTotalCodewords(v)
	out := make([]byte, total)
	ecAll := make([]byte, nb*blocks.ec)
	off := 0
	starts := make([]int, nb+1)
	for b := range nb {
		starts[b] = off
		d := blocks.d1
		if b >= blocks.n1 {
			d = blocks.d2
		}
		rsRemainder(data[off:off+d], gen, ecAll[b*blocks.ec:(b+1)*blocks.ec])
		off += d
	}
	starts[nb] = off
	k := 0
	for i := 0; i < max(blocks.d1, blocks.d2); i++ {
		for b := range nb {
			if starts[b]+i < starts[b+1] {
				out[k] = data[starts[b]+i]
				k++
			}
		}
	}
	for i := range blocks.ec {
		for b := range nb {
			out[k] = ecAll[b*blocks.ec+i]
			k++
		}
	}

	tpl, masks := qrTemplate(v)
	// The template's function flags are shared and only read; the modules are this symbol's.
	m := &qrMatrix{n: tpl.n, dark: slices.Clone(tpl.dark), function: tpl.function}
	m.placeData(out)
	best := m.chooseMask(level, masks)
	m.applyMask(best)
	m.formatBits(level, best, func(x, y int, dark bool) { m.dark[y*m.n+x] = dark })
	return qrSymbol{version: v, n: m.n, dark: m.dark}, nil
}

// qrTemplates are, per version, the function patterns drawn once (finders, timing,
// alignment, version information, the format areas reserved) and the mask bit patterns.
var qrTemplates [qrMaxVersion + 1]struct {
	once  sync.Once
	m     *qrMatrix
	masks qrMasks
}

func qrTemplate(v int) (*qrMatrix, *qrMasks) {
	t := &qrTemplates[v]
	t.once.Do(func() {
		t.m = newQRMatrix(v)
		t.masks = masksOf(t.m)
	})
	return t.m, &t.masks
}

// qrTotalCodewords is the number of codewords of version v, from the geometry: all modules
// less the function patterns, format and version information.
func qrTotalCodewords(v int) int {
	raw := (16*v+128)*v + 64
	if v >= 2 {
		na := v/7 + 2
		raw -= (25*na-10)*na - 55
		if v >= 7 {
			raw -= 36
		}
	}
	return raw / 8
}

type qrMatrix struct {
	n        int
	dark     []bool
	function []bool
}

func newQRMatrix(v int) *qrMatrix {
	n := 17 + 4*v
	m := &qrMatrix{n: n, dark: make([]bool, n*n), function: make([]bool, n*n)}
	for i := range n { // timing patterns
		m.setFunction(6, i, i%2 == 0)
		m.setFunction(i, 6, i%2 == 0)
	}
	m.finder(3, 3)
	m.finder(n-4, 3)
	m.finder(3, n-4)
	al := qrAlign[v-1]
	for i, x := range al {
		for j, y := range al {
			if (i == 0 && j == 0) || (i == 0 && j == len(al)-1) || (i == len(al)-1 && j == 0) {
				continue // the finder patterns' corners
			}
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					m.setFunction(x+dx, y+dy, max(abs(dx), abs(dy)) != 1)
				}
			}
		}
	}
	m.drawFormat(qrLevelL, 0) // reserves the format areas; overwritten per mask
	if v >= 7 {
		rem := v
		for range 12 {
			rem = rem<<1 ^ (rem>>11)*0x1f25
		}
		version := v<<12 | rem
		for i := range 18 {
			a, b := n-11+i%3, i/3
			bit := version>>uint(i)&1 != 0
			m.setFunction(a, b, bit)
			m.setFunction(b, a, bit)
		}
	}
	return m
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func (m *qrMatrix) setFunction(x, y int, dark bool) {
	m.dark[y*m.n+x] = dark
	m.function[y*m.n+x] = true
}

// finder draws a finder pattern centred at (cx, cy) with its separator.
func (m *qrMatrix) finder(cx, cy int) {
	for dy := -4; dy <= 4; dy++ {
		for dx := -4; dx <= 4; dx++ {
			x, y := cx+dx, cy+dy
			if x < 0 || y < 0 || x >= m.n || y >= m.n {
				continue
			}
			d := max(abs(dx), abs(dy))
			m.setFunction(x, y, d != 2 && d != 4)
		}
	}
}

func (m *qrMatrix) drawFormat(level qrECLevel, mask int) {
	m.formatBits(level, mask, m.setFunction)
}

// formatBits calls set for every module of the format information (both copies) and the
// dark module.
func (m *qrMatrix) formatBits(level qrECLevel, mask int, set func(x, y int, dark bool)) {
	data := qrFormatLevel[level]<<3 | mask
	rem := data
	for range 10 {
		rem = rem<<1 ^ (rem>>9)*0x537
	}
	format := (data<<10 | rem) ^ 0x5412
	bit := func(i int) bool { return format>>uint(i)&1 != 0 }
	n := m.n
	for i := 0; i <= 5; i++ {
		set(8, i, bit(i))
	}
	set(8, 7, bit(6))
	set(8, 8, bit(7))
	set(7, 8, bit(8))
	for i := 9; i < 15; i++ {
		set(14-i, 8, bit(i))
	}
	for i := range 8 {
		set(n-1-i, 8, bit(i))
	}
	for i := 8; i < 15; i++ {
		set(8, n-15+i, bit(i))
	}
	set(8, n-8, true) // the dark module
}

// placeData writes the codewords in the zigzag order, two columns at a time from the right.
func (m *qrMatrix) placeData(cw []byte) {
	n := m.n
	i := 0
	for right := n - 1; right >= 1; right -= 2 {
		if right == 6 {
			right = 5
		}
		for vert := range n {
			for j := range 2 {
				x := right - j
				y := vert
				if (right+1)&2 == 0 {
					y = n - 1 - vert
				}
				if m.function[y*n+x] || i >= len(cw)*8 {
					continue
				}
				m.dark[y*n+x] = cw[i>>3]>>(7-uint(i&7))&1 != 0
				i++
			}
		}
	}
}

func (m *qrMatrix) applyMask(mask int) {
	n := m.n
	for y := range n {
		for x := range n {
			if !m.function[y*n+x] && maskBit(mask, x, y) {
				m.dark[y*n+x] = !m.dark[y*n+x]
			}
		}
	}
}

// qrMasks is what mask selection needs of one version, as bit rows (bit x of row y) and bit
// columns (bit y of column x): the function modules and the eight mask patterns.
type qrMasks struct {
	funcRows, funcCols []uint64
	maskRows, maskCols [8][]uint64
}

func masksOf(m *qrMatrix) qrMasks {
	var mk qrMasks
	n := m.n
	mk.funcRows, mk.funcCols = make([]uint64, n), make([]uint64, n)
	for i := range 8 {
		mk.maskRows[i], mk.maskCols[i] = make([]uint64, n), make([]uint64, n)
	}
	for y := range n {
		for x := range n {
			if m.function[y*n+x] {
				mk.funcRows[y] |= 1 << uint(x)
				mk.funcCols[x] |= 1 << uint(y)
			}
			for i := range 8 {
				if maskBit(i, x, y) {
					mk.maskRows[i][y] |= 1 << uint(x)
					mk.maskCols[i][x] |= 1 << uint(y)
				}
			}
		}
	}
	return mk
}

// chooseMask returns the mask with the lowest penalty (ISO/IEC 18004 §7.8.3), computed on
// bit rows and columns so that trying all eight takes microseconds.
func (m *qrMatrix) chooseMask(level qrECLevel, mk *qrMasks) int {
	n := m.n
	base := make([]uint64, 2*n)
	baseRows, baseCols := base[:n], base[n:]
	for y := range n {
		for x := range n {
			if m.dark[y*n+x] {
				baseRows[y] |= 1 << uint(x)
				baseCols[x] |= 1 << uint(y)
			}
		}
	}
	work := make([]uint64, 2*n)
	rows, cols := work[:n], work[n:]
	best, bestPenalty := 0, -1
	for mask := range 8 {
		for i := range n {
			rows[i] = baseRows[i] ^ mk.maskRows[mask][i]&^mk.funcRows[i]
			cols[i] = baseCols[i] ^ mk.maskCols[mask][i]&^mk.funcCols[i]
		}
		m.formatBits(level, mask, func(x, y int, dark bool) {
			if dark {
				rows[y] |= 1 << uint(x)
				cols[x] |= 1 << uint(y)
			} else {
				rows[y] &^= 1 << uint(x)
				cols[x] &^= 1 << uint(y)
			}
		})
		if p := penalty(rows, cols, n); bestPenalty < 0 || p < bestPenalty {
			best, bestPenalty = mask, p
		}
	}
	return best
}

func maskBit(mask, x, y int) bool {
	switch mask {
	case 0:
		return (x+y)%2 == 0
	case 1:
		return y%2 == 0
	case 2:
		return x%3 == 0
	case 3:
		return (x+y)%3 == 0
	case 4:
		return (x/3+y/2)%2 == 0
	case 5:
		return x*y%2+x*y%3 == 0
	case 6:
		return (x*y%2+x*y%3)%2 == 0
	}
	return ((x+y)%2+x*y%3)%2 == 0
}

// penalty scores a masked symbol given as bit rows and columns by the four rules of
// ISO/IEC 18004 §7.8.3.
func penalty(rows, cols []uint64, n int) int {
	p := 0
	inner := uint64(1)<<uint(n-1) - 1 // bits 0..n-2
	for _, lines := range [2][]uint64{rows, cols} {
		for _, r := range lines {
			// Rule 1: runs of L ≥ 5 modules of one colour score L−2; same has a bit for
			// every module equal to the next, so such a run is L−1 ones.
			same := ^(r ^ r>>1) & inner
			for same != 0 {
				same >>= uint(bits.TrailingZeros64(same))
				c := bits.TrailingZeros64(^same)
				if c >= 4 {
					p += c - 1
				}
				same >>= uint(c)
			}
			// Rule 3: 1:1:3:1:1 dark-light-dark with four light modules before or after, the
			// line padded with four light modules each side (its quiet zone).
			w := r << 4
			core := w & ^(w >> 1) & (w >> 2) & (w >> 3) & (w >> 4) & ^(w >> 5) & (w >> 6)
			core &= (uint64(1)<<uint(n-2) - 1) &^ 0xf // starts 4..n-3 in padded coordinates
			nw := ^w
			light := nw & (nw>>1 | 1<<63) & (nw>>2 | 3<<62) & (nw>>3 | 7<<61) // shifted-in bits are light
			p += 40 * (bits.OnesCount64(core&(light<<4)) + bits.OnesCount64(core&(light>>7)))
		}
	}
	dark := 0
	for y, r := range rows {
		dark += bits.OnesCount64(r)
		if y+1 < n {
			// Rule 2: 2×2 blocks of one colour.
			q := rows[y+1]
			b := ^(r ^ r>>1) & ^(q ^ q>>1) & ^(r ^ q) & inner
			p += 3 * bits.OnesCount64(b)
		}
	}
	// Rule 4: the share of dark modules away from 50%, in steps of 5%.
	total := n * n
	k := (abs(dark*20-total*10)+total-1)/total - 1
	return p + k*10
}

// GF(256) with the QR polynomial x^8+x^4+x^3+x^2+1.
var gfExp, gfLog = func() (exp [512]byte, log [256]byte) {
	x := 1
	for i := range 255 {
		exp[i] = byte(x)
		log[x] = byte(i)
		x <<= 1
		if x&0x100 != 0 {
			x ^= 0x11d
		}
	}
	for i := 255; i < 512; i++ {
		exp[i] = exp[i-255]
	}
	return exp, log
}()

func gfMul(a, b byte) byte {
	if a == 0 || b == 0 {
		return 0
	}
	return gfExp[int(gfLog[a])+int(gfLog[b])]
}

// rsGenerator returns the Reed-Solomon generator polynomial of degree n, highest power first
// without its leading 1: the product of (x - α^i) for i < n.
func rsGenerator(n int) []byte {
	g := make([]byte, n)
	g[n-1] = 1 // starts as the polynomial 1, stored right-aligned
	root := byte(1)
	for range n {
		for j := range n {
			g[j] = gfMul(g[j], root)
			if j+1 < n {
				g[j] ^= g[j+1]
			}
		}
		root = gfMul(root, 2)
	}
	return g
}

// rsRemainder writes the EC codewords of data into ec (len(ec) == len(gen)).
func rsRemainder(data, gen, ec []byte) {
	clear(ec)
	for _, b := range data {
		f := b ^ ec[0]
		copy(ec, ec[1:])
		ec[len(ec)-1] = 0
		for j := range ec {
			ec[j] ^= gfMul(gen[j], f)
		}
	}
}
