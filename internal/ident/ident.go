// Package ident makes lastmile's identifiers: a short type prefix and 26 characters of Crockford
// base32 over 48 bits of milliseconds and 80 random bits, so ids sort by creation time, are safe
// in URLs and do not reveal counts.
package ident

import (
	"crypto/rand"
	"encoding/binary"
	"sync"
	"time"
)

const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// New returns prefix + "_" + a time-ordered random id, e.g. ord_01JD3Q3K8Z7W2M5N6P4R9S0T1V.
func New(prefix string, t time.Time) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(t.UnixMilli())<<16)
	_, _ = rand.Read(b[6:]) // crypto/rand.Read never fails (Go 1.24+)
	return prefix + "_" + encode(b)
}

// Random returns n characters of Crockford base32 from crypto/rand: secrets and key ids.
func Random(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = crockford[b[i]&31]
	}
	return string(b)
}

// encode writes 128 bits as 26 base32 characters, most significant first.
func encode(b [16]byte) string {
	hi := binary.BigEndian.Uint64(b[:8])
	lo := binary.BigEndian.Uint64(b[8:])
	var out [26]byte
	for i := 25; i >= 0; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out[:])
}

// Generator makes ids that are strictly increasing within one process: within the same
// millisecond (or if the clock steps back) it adds one to the previous random part instead of
// drawing a new one. Rows inserted in id order land at the end of every index on (…, id), which
// keeps B-tree inserts sequential at peak ingest. Ids from different processes stay unique by
// their random part.
type Generator struct {
	mu     sync.Mutex
	lastMS uint64
	last   [10]byte // the 80-bit random part of the last id
}

// NewGenerator returns a Generator.
func NewGenerator() *Generator { return &Generator{} }

// New returns prefix + "_" + an id greater than every id this Generator returned before.
func (g *Generator) New(prefix string, t time.Time) string {
	ms := uint64(t.UnixMilli())
	var b [16]byte
	g.mu.Lock()
	if ms > g.lastMS {
		g.lastMS = ms
		_, _ = rand.Read(g.last[:])
	} else if !increment(g.last[:]) {
		g.lastMS++ // 2^80 ids in one millisecond: borrow the next one
		_, _ = rand.Read(g.last[:])
	}
	binary.BigEndian.PutUint64(b[:8], g.lastMS<<16)
	copy(b[6:], g.last[:])
	g.mu.Unlock()
	return prefix + "_" + encode(b)
}

// increment adds one to the big-endian number in b; false when it wrapped to zero.
func increment(b []byte) bool {
	for i := len(b) - 1; i >= 0; i-- {
		b[i]++
		if b[i] != 0 {
			return true
		}
	}
	return false
}
