// Package ident makes lastmile's identifiers: a short type prefix and 26 characters of Crockford
// base32 over 48 bits of milliseconds and 80 random bits, so ids sort by creation time, are safe
// in URLs and do not reveal counts.
package ident

import (
	"crypto/rand"
	"encoding/binary"
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
