package api

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
)

// A request body that must be read whole before the handler answers is spooled: read to its end
// first, in memory up to a bound (Deps.SpoolMemory) and beyond it in a temporary file, so that
// memory stays bounded whatever the body's size. Two kinds of request need it.
//
// File imports answer with a result per row. Go's HTTP/1 server does not let a handler write
// its response while the request body is still arriving: once the response outgrows the
// server's 2 KiB buffer, the server reads up to 256 KiB of the unread body on the handler's
// behalf and throws it away (see net/http's Request.Body). An import that streamed its results
// while reading the file lost rows: it failed with "invalid Read on closed Body", or, with a
// chunked body, silently skipped 256 KiB in the middle of the file. ResponseController's
// EnableFullDuplex lifts the rule, but many HTTP/1 clients send the whole body before they read
// a byte of the answer; once the results fill the socket buffers both sides would wait for each
// other forever. So an import reads the file to its end, then imports it and streams the
// results. The body limit is then known before anything is stored or answered: a file over it
// is refused whole with 413.
//
// A request with an Idempotency-Key must be hashed before its key is claimed (a retry with
// another body is refused before it runs). Spooling hashes as it reads, so the key's check
// costs no memory, and the handler then reads the spooled body as it would the request's.

// defaultSpoolMemory is how much of a body is held in memory before the rest goes to a file:
// a typical JSON request or small file never touches the disk.
const defaultSpoolMemory = 1 << 20

// spooledBody is a request body read to its end: in mem, or in file when it outgrew the memory
// bound.
type spooledBody struct {
	mem  []byte
	file *os.File
	size int64
}

// spool reads body to its end into a spooledBody, copying every byte to tee as well when tee is
// not nil (a hash). Bodies over memLimit go to a temporary file in dir ("" is the system's). The
// error is the body's own (e.g. *http.MaxBytesError: the client's), or a *spoolError (the
// server's).
func spool(body io.Reader, tee io.Writer, dir string, memLimit int64) (*spooledBody, error) {
	if tee != nil {
		body = io.TeeReader(body, tee)
	}
	var buf bytes.Buffer
	n, err := io.CopyN(&buf, body, memLimit+1)
	if errors.Is(err, io.EOF) {
		return &spooledBody{mem: buf.Bytes(), size: n}, nil
	}
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, "lastmile-body-*")
	if err != nil {
		return nil, &spoolError{err}
	}
	sp := &spooledBody{file: f}
	// buf is written first, then the rest of the body from the socket to the file.
	fw := &fileWriter{f: f}
	m, err := io.Copy(fw, io.MultiReader(&buf, body))
	switch {
	case fw.err != nil:
		sp.discard()
		return nil, &spoolError{fw.err}
	case err != nil:
		sp.discard()
		return nil, err
	}
	sp.size = m
	return sp, nil
}

// spoolError is a failure to keep a body in its temporary file (disk full…): the server's, not
// the client's.
type spoolError struct{ err error }

func (e *spoolError) Error() string { return "spool the request body: " + e.err.Error() }
func (e *spoolError) Unwrap() error { return e.err }

// fileWriter writes to f and keeps its error, to tell the file's failures from the body's.
type fileWriter struct {
	f   *os.File
	err error
}

func (w *fileWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil {
		w.err = err
	}
	return n, err
}

// bodyError is the client's error for a body that could not be received whole: 413 over the
// limit (tooBig says it), 400 for a body cut or malformed on the way; the spool's own failure
// stays a server error.
func bodyError(err error, tooBig func(*http.MaxBytesError) *apiError) error {
	var (
		mbe *http.MaxBytesError
		se  *spoolError
	)
	switch {
	case errors.As(err, &mbe):
		return tooBig(mbe)
	case errors.As(err, &se):
		return err
	}
	return &apiError{Status: http.StatusBadRequest, Code: "body_unreadable",
		Message: "the request body could not be received whole (" + err.Error() + "); send the request again"}
}

// reader reads the body from its start.
func (b *spooledBody) reader() *spoolReader {
	if b.file == nil {
		return &spoolReader{Reader: bytes.NewReader(b.mem), size: b.size}
	}
	return &spoolReader{Reader: io.NewSectionReader(b.file, 0, b.size), size: b.size}
}

// discard removes the body's file, if it has one.
func (b *spooledBody) discard() {
	if b.file != nil {
		b.file.Close()
		os.Remove(b.file.Name())
		b.file = nil
	}
}

// spoolReader is a request body that was read to its end before the handler ran: a handler
// that needs the whole body before answering (an import) finds it already there.
type spoolReader struct {
	io.Reader
	size int64
}

// Close implements io.Closer; the spool is discarded by whoever spooled it.
func (*spoolReader) Close() error { return nil }

// spooled returns r's body read to its end: the body as the Idempotency-Key layer spooled it, or
// spooled now. Call done when the handler no longer reads it.
func (s *Server) spooled(r *http.Request) (body io.Reader, done func(), err error) {
	if sr, ok := r.Body.(*spoolReader); ok {
		return sr, func() {}, nil
	}
	sp, err := spool(r.Body, nil, s.deps.SpoolDir, s.spoolMemory())
	if err != nil {
		return nil, nil, err
	}
	s.metrics.countSpool(sp)
	return sp.reader(), sp.discard, nil
}

func (s *Server) spoolMemory() int64 {
	if s.deps.SpoolMemory > 0 {
		return s.deps.SpoolMemory
	}
	return defaultSpoolMemory
}
