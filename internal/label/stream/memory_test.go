package stream_test

import (
	"io"
	"runtime"
	"testing"

	"lastmile/internal/label"
	"lastmile/internal/label/stream"
)

// liveHeapGrowth writes n labels (cycling through labels) with add and returns how much the
// live heap grew while the document was open: measured after a collection, before Close, so
// what the writer keeps for the pages written is in it.
func liveHeapGrowth(n uint64, labels []*label.Prepared, open func() (add func(*label.Prepared) error, close func() error)) (uint64, error) {
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	before := m.HeapAlloc
	add, closeFn := open()
	for i := range n {
		if err := add(labels[i%uint64(len(labels))]); err != nil {
			return 0, err
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&m)
	after := m.HeapAlloc
	if err := closeFn(); err != nil {
		return 0, err
	}
	if after < before {
		return 0, nil
	}
	return after - before, nil
}

// TestMemoryBounded writes 2,000 and 20,000 labels into io.Discard and compares the live heap
// the writers hold: it must not grow with the labels beyond the PDF's cross-reference offsets
// (two objects a label, 8 bytes each, in a slice that may have doubled: at most 32 bytes a
// label) and, for ZPL, not at all. Not parallel: other tests' allocations would blur the
// figures.
func TestMemoryBounded(t *testing.T) {
	labels := prepared(t, 50, 203)
	small, large := uint64(2_000), uint64(20_000)
	if raceEnabled { // ten times slower: the same comparison on a tenth of the labels
		small, large = 200, 2_000
	}
	cases := []struct {
		name     string
		open     func() (func(*label.Prepared) error, func() error)
		perLabel uint64 // bytes a label the writer may keep
	}{
		{"pdf", func() (func(*label.Prepared) error, func() error) {
			d := stream.NewPDF(io.Discard, label.Size4x6)
			return d.AddLabel, d.Close
		}, 32},
		{"zpl", func() (func(*label.Prepared) error, func() error) {
			z := stream.NewZPL(io.Discard)
			return z.AddLabel, z.Close
		}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := liveHeapGrowth(small, labels, c.open)
			if err != nil {
				t.Fatal(err)
			}
			b, err := liveHeapGrowth(large, labels, c.open)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("live heap held by the writer: %d KB after %d labels, %d KB after %d labels", a>>10, small, b>>10, large)
			const slack = 256 << 10 // the runtime's own bookkeeping varies between two measurements
			if limit := c.perLabel*(large-small) + slack; b > a && b-a > limit {
				t.Errorf("the heap grew by %d KB from %d to %d labels; the bookkeeping allows %d KB", (b-a)>>10, small, large, limit>>10)
			}
			if b > 8<<20 {
				t.Errorf("the writer holds %d MB after %d labels", b>>20, large)
			}
		})
	}
}
