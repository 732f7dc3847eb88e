package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"lastmile/internal/label"
	"lastmile/internal/label/render"
	"lastmile/internal/model"
)

// maxLabelInput bounds standard input: label.MaxBatch labels of a few kilobytes each.
const maxLabelInput = 256 << 20

const labelRenderUsage = `Usage: lastmile label render [--format pdf|zpl|png] [--dpi 203|300] [--size 4x6|a6|10x15] < labels.json > out

Reads one label JSON object, or an array of them, on standard input and writes the labels
to standard output as one file: a multi-page PDF, a ZPL stream (one ^XA…^XZ per label) or,
for a single label, a PNG. The same input always gives the same bytes, so a reprint is the
same label (R-LBL-6). The fields are in docs/labels.md:

  {"tracking_number":"1Z999AA10123456784","carrier":"ups","service":"Ground",
   "order_external_id":"576461413038785752","package_index":1,"package_count":1,
   "weight_g":450,"sort_code":"LAX-03","from":{...},"to":{...},"cod":null,
   "has_battery":false,"anti_counterfeit_qr":null,"customs":{...}}

Every label is checked before anything is written: a label that cannot be rendered (an
address in non-Latin script, a tracking number with a wrong check digit, a parcel to GB, DE
or FR without its anti-counterfeit QR…) is reported on standard error with its index in the
array and the field, and nothing is written.

Exit status: 0 when the labels were written, 1 when a label cannot be rendered (or writing
failed), 2 on bad flags or input that is not label JSON.

Flags:
`

// runLabelRender is "lastmile label render".
func runLabelRender(ctx context.Context, args []string, s stdio) int {
	fs := newFlags("label render", "label render [--format pdf|zpl|png] [--dpi 203|300] [--size 4x6|a6|10x15]", s)
	fs.Usage = func() {
		fmt.Fprint(s.err, labelRenderUsage)
		fs.PrintDefaults()
	}
	format := fs.String("format", "pdf", "output format: pdf, zpl or png (png: one label only)")
	dpi := fs.String("dpi", "203", "printer resolution: 203 or 300 dots per inch (R-LBL-2)")
	size := fs.String("size", "4x6", "label size: 4x6 (in), a6 or 10x15 (cm)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	usageErr := func(err error) int {
		fmt.Fprintf(s.err, "lastmile label render: %v\n", err)
		return exitUsage
	}
	f, err := render.ParseFormat(*format)
	if err != nil {
		return usageErr(err)
	}
	var opt label.Options
	if opt.DPI, err = label.ParseDPI(*dpi); err != nil {
		return usageErr(err)
	}
	if opt.Size, err = label.ParseSize(*size); err != nil {
		return usageErr(err)
	}

	raw, err := io.ReadAll(io.LimitReader(s.in, maxLabelInput+1))
	if err != nil {
		return usageErr(fmt.Errorf("reading standard input: %w", err))
	}
	if len(raw) > maxLabelInput {
		return usageErr(fmt.Errorf("standard input is over %d MiB; split the labels into several runs", maxLabelInput>>20))
	}
	labels, array, err := label.Decode(raw)
	if err != nil {
		return usageErr(err)
	}
	if err := render.Check(f, len(labels)); err != nil {
		return usageErr(err)
	}
	prepared, err := label.PrepareAll(labels, opt)
	if err != nil {
		reportLabelError(s, err, array)
		return exitFail
	}
	if err := render.Write(ctx, s.out, prepared, f); err != nil {
		return fail(s, "label render", fmt.Errorf("writing the labels: %w", err))
	}
	return exitOK
}

// reportLabelError writes one line per problem of every label that cannot be rendered: the
// label (by index in an array), the field and what is wrong.
func reportLabelError(s stdio, err error, array bool) {
	var be *label.BatchError
	if !errors.As(err, &be) {
		fmt.Fprintf(s.err, "lastmile label render: %v\n", err)
		return
	}
	for _, le := range be.Labels {
		where := "label"
		if array {
			where = fmt.Sprintf("label[%d]", le.Index)
		}
		var ve *model.ValidationError
		if !errors.As(le.Err, &ve) {
			fmt.Fprintf(s.err, "lastmile label render: %s: %v\n", where, le.Err)
			continue
		}
		for _, p := range ve.Problems {
			fmt.Fprintf(s.err, "lastmile label render: %s: %s: %s (%s)\n", where, p.Field, p.Message, p.Code)
		}
	}
}
