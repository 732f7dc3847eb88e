package web

import (
	"fmt"
	"html/template"
	"strings"
)

type dayCount struct {
	Day string
	N   int
	key string
}

// barChart draws days as an SVG bar chart, server-side: no script, prints and works offline.
// Each bar has a <title> (a tooltip and what a screen reader says).
func barChart(days []dayCount) template.HTML {
	const w, h, pad, bottom = 560, 200, 30, 20
	max := 1
	for _, d := range days {
		if d.N > max {
			max = d.N
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-label="chart" viewBox="0 0 %d %d" xmlns="http://www.w3.org/2000/svg">`, w, h+bottom)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="axis"/>`, pad, h, w, h)
	fmt.Fprintf(&b, `<text x="2" y="12" class="label">%d</text>`, max)
	bw := (w - pad) / len(days)
	for i, d := range days {
		bh := d.N * (h - 20) / max
		x := pad + i*bw + 4
		fmt.Fprintf(&b, `<rect class="bar" x="%d" y="%d" width="%d" height="%d"><title>%s: %d</title></rect>`, x, h-bh, bw-8, bh, template.HTMLEscapeString(d.Day), d.N)
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="label">%s</text>`, x, h+14, template.HTMLEscapeString(d.Day))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every value in it is a number or escaped
}
