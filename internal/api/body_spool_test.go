package api

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"
)

// TestSpool: a body up to the memory bound stays in memory, a larger one goes to a file (so no
// more than the bound is ever held), reads back byte for byte, is hashed whole on the way, and
// leaves nothing behind; a body over the request limit is its error, with no file left.
func TestSpool(t *testing.T) {
	t.Parallel()
	const mem = 4 << 10
	for _, n := range []int{0, 1, mem - 1, mem, mem + 1, 3*mem + 7} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			dir := t.TempDir()
			body := bytes.Repeat([]byte("0123456789abcdef"), n/16+1)[:n]
			h := sha256.New()
			sp, err := spool(bytes.NewReader(body), h, dir, mem)
			if err != nil {
				t.Fatal(err)
			}
			if inFile := sp.file != nil; inFile != (n > mem) || len(sp.mem) > mem || sp.size != int64(n) {
				t.Fatalf("in file %v, %d bytes in memory, size %d", inFile, len(sp.mem), sp.size)
			}
			for range 2 { // each reader starts at the beginning
				got, err := io.ReadAll(sp.reader())
				if err != nil || !bytes.Equal(got, body) {
					t.Fatalf("read back %d bytes, %v; want the body", len(got), err)
				}
			}
			if want := sha256.Sum256(body); !bytes.Equal(h.Sum(nil), want[:]) {
				t.Fatal("the hash is not the body's")
			}
			sp.discard()
			if left, _ := os.ReadDir(dir); len(left) != 0 {
				t.Fatalf("%d files left after discard", len(left))
			}
		})
	}
	t.Run("the server's failure and the client's", func(t *testing.T) {
		_, err := spool(bytes.NewReader(make([]byte, 2*mem)), nil, filepath.Join(t.TempDir(), "missing"), mem)
		var se *spoolError
		if !errors.As(err, &se) || bodyError(err, nil) != err {
			t.Errorf("no spool directory: %v; want a *spoolError, a server error", err)
		}
		cut := io.MultiReader(bytes.NewReader(make([]byte, 2*mem)), iotest.ErrReader(io.ErrUnexpectedEOF))
		_, err = spool(cut, nil, t.TempDir(), mem)
		var ae *apiError
		if errors.As(err, &se) || !errors.As(bodyError(err, nil), &ae) || ae.Status != http.StatusBadRequest {
			t.Errorf("a body cut on the way: %v; want the client's error, 400", err)
		}
	})
	t.Run("over the limit", func(t *testing.T) {
		dir := t.TempDir()
		rd := http.MaxBytesReader(httptest.NewRecorder(), io.NopCloser(bytes.NewReader(make([]byte, 3*mem))), 2*mem)
		_, err := spool(rd, nil, dir, mem)
		var mbe *http.MaxBytesError
		if !errors.As(err, &mbe) {
			t.Fatalf("err %v, want *http.MaxBytesError", err)
		}
		if left, _ := os.ReadDir(dir); len(left) != 0 {
			t.Fatalf("%d files left after a refused body", len(left))
		}
	})
}
