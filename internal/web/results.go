package web

import (
	"bytes"
	"encoding/csv"
	"strconv"

	"lastmile/internal/i18n"
	"lastmile/internal/model"
)

// rowCollector receives an import's results CSV and turns it into rows for the page.
type rowCollector struct {
	lang i18n.Lang
	buf  bytes.Buffer
}

func (c *rowCollector) Write(p []byte) (int, error) { return c.buf.Write(p) }

func (c *rowCollector) rows() []importRow {
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(c.buf.Bytes(), []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil || len(recs) < 2 {
		return nil
	}
	head := recs[0]
	col := func(name string) int {
		for i, h := range head {
			if h == name {
				return i
			}
		}
		return -1
	}
	ri, wi, si, st, pi := col("row"), col("warehouse"), col("sku"), col("status"), col("problems")
	var out []importRow
	for _, r := range recs[1:] {
		n, _ := strconv.Atoi(r[ri])
		row := importRow{Row: n, Status: r[st], Problems: r[pi]}
		if wi >= 0 && si >= 0 {
			row.Key = r[wi] + " / " + r[si]
		}
		out = append(out, row)
	}
	return out
}

// translator puts import statuses and problems in the page's language.
type translator struct{ lang i18n.Lang }

func (t translator) Status(s string) string {
	if k := "csv.status." + s; i18n.Has(k) {
		return i18n.T(t.lang, k, nil)
	}
	return s
}

func (t translator) Problem(p model.FieldError) model.FieldError {
	p.Message = problemMessage(t.lang, p.Code, p.Field, p.Message)
	return p
}
