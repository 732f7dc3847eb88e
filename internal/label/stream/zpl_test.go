package stream_test

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"lastmile/internal/label"
	"lastmile/internal/label/stream"
	"lastmile/internal/label/zpl"
	"lastmile/internal/testtool"
)

// zebrash renders a ZPL stream of 4×6 in labels at 203 dpi with zebrash (the renderer the
// label/zpl tests use, its script in label/zpl's testdata) and returns the images in order.
func zebrash(t testing.TB, z []byte) []string {
	t.Helper()
	node, pkg := testtool.NodeModule(t, "zpl-renderer-js")
	dir := t.TempDir()
	script := filepath.Join(testtool.Root(), "internal", "label", "zpl", "testdata", "zebrash.cjs")
	cmd := exec.Command(node, script, pkg, "8", "101.5", "152.25", dir)
	cmd.Stdin = bytes.NewReader(z)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("zebrash: %v\n%s", err, out)
	}
	paths, err := filepath.Glob(filepath.Join(dir, "label-*.png"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(paths)
	return paths
}

// TestZPLThousand writes 1,000 labels into one ZPL stream: it is exactly label/zpl's formats
// one after the other (which label/zpl's tests render with zebrash and scan, for every shape
// of tracking number), the same bytes on a second write; and the first and last three,
// rendered by zebrash, scan back.
func TestZPLThousand(t *testing.T) {
	t.Parallel()
	labels := prepared(t, 1000, 203)
	write := func() []byte {
		var buf bytes.Buffer
		z := stream.NewZPL(&buf)
		for _, p := range labels {
			if err := z.AddLabel(p); err != nil {
				t.Fatal(err)
			}
		}
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	got := write()
	var want []byte
	for _, p := range labels {
		want = zpl.Append(want, p.Layout())
	}
	if !bytes.Equal(got, want) {
		t.Fatal("the stream is not label/zpl's formats one after the other")
	}
	if !bytes.Equal(got, write()) {
		t.Fatal("two writes of the same labels differ")
	}
	var sample []byte
	some := slices.Concat(labels[:3], labels[997:])
	for _, p := range some {
		sample = zpl.Append(sample, p.Layout())
	}
	imgs := zebrash(t, sample)
	if len(imgs) != len(some) {
		t.Fatalf("zebrash drew %d labels, want %d", len(imgs), len(some))
	}
	for i, p := range some {
		scan(t, fmt.Sprintf("zebrash label %d", i+1), p, readGray(t, imgs[i]))
	}
}

// TestZPLMixed: lastmile's labels, carriers' label images of every kind as graphic fields, a
// carrier's own ZPL and a note, in one stream that zebrash draws as one label each; every
// label and every image scans back.
func TestZPLMixed(t *testing.T) {
	t.Parallel()
	labels := prepared(t, 8, 203)
	kinds := []string{"grey", "bw", "landscape", "rgba", "paletted"}
	var buf bytes.Buffer
	z := stream.NewZPL(&buf)
	var want []*label.Prepared // the label each format shows; nil for the note
	add := func(err error, p *label.Prepared) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, p)
	}
	add(z.AddLabel(labels[0]), labels[0])
	for i, k := range kinds {
		add(z.AddPNG(labelPNG(t, labels[i+1], k)), labels[i+1])
	}
	carrier := zpl.Append(nil, labels[6].Layout())
	add(z.AddZPL(carrier), labels[6])
	add(z.AddNote([]string{"The label of shipment shp_1 is the carrier's own PDF; download it from https://lastmile.example.com/v1/shipments/shp_1/label?format=pdf"}), nil)
	add(z.AddLabel(labels[7]), labels[7])
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	doc := buf.Bytes()
	if !bytes.Contains(doc, carrier) {
		t.Error("the carrier's ZPL is not in the stream as it was")
	}
	if n := bytes.Count(doc, []byte("^GFA,")); n != len(kinds) {
		t.Errorf("%d graphic fields, want %d", n, len(kinds))
	}
	imgs := zebrash(t, doc)
	if len(imgs) != len(want) {
		t.Fatalf("zebrash drew %d labels, want %d", len(imgs), len(want))
	}
	for i, p := range want {
		if p != nil {
			scan(t, fmt.Sprintf("zebrash label %d", i+1), p, readGray(t, imgs[i]))
		}
	}
}

// TestZPLRefusals: an empty carrier ZPL and a file that is not a PNG are refused without
// writing anything; labels after Close are refused; a failing writer fails the stream.
func TestZPLRefusals(t *testing.T) {
	t.Parallel()
	labels := prepared(t, 1, 203)
	var buf bytes.Buffer
	z := stream.NewZPL(&buf)
	if err := z.AddLabel(labels[0]); err != nil {
		t.Fatal(err)
	}
	if err := z.AddZPL(nil); err == nil {
		t.Error("an empty carrier ZPL was taken")
	}
	if err := z.AddPNG([]byte("GIF89a")); err == nil || !strings.Contains(err.Error(), "label image") {
		t.Errorf("a GIF as a PNG: %v", err)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	if want := zpl.Append(nil, labels[0].Layout()); !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("refused labels left something in the stream:\n%s", buf.Bytes()[len(want):])
	}
	if err := z.AddLabel(labels[0]); !errors.Is(err, stream.ErrClosed) {
		t.Errorf("a label after Close: %v", err)
	}

	w := &failingWriter{left: 1000}
	z = stream.NewZPL(w)
	var err error
	for range 100 { // more than the buffer holds
		if err = z.AddLabel(labels[0]); err != nil {
			break
		}
	}
	if err == nil {
		err = z.Close()
	}
	if !errors.Is(err, errDiskFull) {
		t.Fatalf("error %v, want the writer's", err)
	}
	if err := z.Close(); !errors.Is(err, errDiskFull) {
		t.Errorf("Close after the error: %v", err)
	}
}
