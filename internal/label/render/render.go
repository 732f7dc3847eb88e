// Package render turns prepared labels into one output file in the format asked for: a ZPL
// stream, a multi-page PDF or a PNG. It is what the CLI (lastmile label render) and the HTTP
// API (POST /v1/labels:render) share, so both give the same bytes for the same input
// (R-LBL-6).
package render

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"strconv"
	"strings"

	"lastmile/internal/label"
	"lastmile/internal/label/pdf"
	"lastmile/internal/label/png"
	"lastmile/internal/label/zpl"
)

// Format is an output format.
type Format string

// The formats.
const (
	ZPL Format = "zpl"
	PDF Format = "pdf"
	PNG Format = "png"
)

// Formats lists the formats, the default first.
func Formats() []Format { return []Format{PDF, ZPL, PNG} }

// ParseFormat returns the format named s ("" is PDF).
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case "":
		return PDF, nil
	case ZPL, PDF, PNG:
		return f, nil
	}
	return "", fmt.Errorf("format %q is not one of zpl, pdf, png", s)
}

// ContentType is the format's media type.
func (f Format) ContentType() string {
	switch f {
	case ZPL:
		return "application/zpl"
	case PNG:
		return "image/png"
	}
	return "application/pdf"
}

// Ext is the usual file name extension, without the dot.
func (f Format) Ext() string { return string(f) }

// mediaTypes maps the media types a client may ask for to formats; x-zpl and text/zpl are
// what some printing tools send.
var mediaTypes = map[string]Format{
	"application/pdf":   PDF,
	"application/zpl":   ZPL,
	"application/x-zpl": ZPL,
	"text/zpl":          ZPL,
	"image/png":         PNG,
}

// Negotiate picks the format for an HTTP Accept header: the acceptable type with the highest
// q, ties going to the earlier in the header; PDF for an empty header, */* or application/*.
// ok is false when nothing acceptable can be produced.
func Negotiate(accept string) (f Format, ok bool) {
	if strings.TrimSpace(accept) == "" {
		return PDF, true
	}
	bestQ := 0.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, has := params["q"]; has {
			if q, err = strconv.ParseFloat(v, 64); err != nil || q < 0 || q > 1 {
				continue
			}
		}
		cand, known := mediaTypes[mt]
		if !known && (mt == "*/*" || mt == "application/*") {
			cand, known = PDF, true
		}
		if !known && mt == "image/*" {
			cand, known = PNG, true
		}
		if !known && mt == "text/*" {
			cand, known = ZPL, true
		}
		if known && q > bestQ {
			f, bestQ = cand, q
		}
	}
	return f, bestQ > 0
}

// ErrPNGBatch refuses several labels as PNG: a PNG file holds one image.
var ErrPNGBatch = errors.New("a PNG holds one label; render several labels as pdf or zpl")

// Check reports whether n labels can be written in format f, before anything is written.
func Check(f Format, n int) error {
	if n == 0 {
		return errors.New("no labels to render")
	}
	if f == PNG && n > 1 {
		return ErrPNGBatch
	}
	return nil
}

// Write renders the labels to w in format f. ZPL is written label by label through a buffer,
// in memory independent of the number of labels; a PDF is built in memory by fpdf and written
// at the end (see docs/labels.md for what 10,000 labels take). Write checks ctx between
// labels. The labels must all have been prepared with the same options.
func Write(ctx context.Context, w io.Writer, labels []*label.Prepared, f Format) error {
	if err := Check(f, len(labels)); err != nil {
		return err
	}
	switch f {
	case ZPL:
		bw := bufio.NewWriterSize(w, 64<<10)
		buf := make([]byte, 0, 16<<10)
		for _, l := range labels {
			if err := ctx.Err(); err != nil {
				return err
			}
			buf = zpl.Append(buf[:0], l.Layout())
			if _, err := bw.Write(buf); err != nil {
				return err
			}
		}
		return bw.Flush()
	case PNG:
		return png.Encode(w, labels[0].Layout())
	}
	doc := pdf.New(labels[0].Options().Size)
	for _, l := range labels {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := doc.Add(l.Layout()); err != nil {
			return err
		}
	}
	_, err := doc.WriteTo(w)
	return err
}
