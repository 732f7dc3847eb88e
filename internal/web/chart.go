package web

import (
	"fmt"
	"html/template"
	"strconv"
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

// series is one line of a line chart: a value per x position, nil where there is none.
type series struct {
	Name   string
	Values []*float64
}

// seriesColours are the lines' colours, in turn (each line also has its name in a legend and
// its points' titles, so colour is never the only cue).
var seriesColours = []string{"#2557d6", "#c2410c", "#15803d", "#7e22ce", "#0e7490", "#a16207", "#be123c", "#4d7c0f"}

// lineChart draws the series over labels (the x axis) on a 0 to 100 scale as an SVG line
// chart, server-side, with a dashed line at floor (the LTS threshold). A missing value breaks
// the line; every point has a <title>.
func lineChart(labels []string, ss []series, floor float64) template.HTML {
	const w, h, left, top, bottom, legend = 640, 220, 34, 10, 24, 18
	n := len(labels)
	if n == 0 {
		return ""
	}
	step := float64(w-left-24) / float64(max(n-1, 1))
	x := func(i int) float64 { return float64(left) + step*float64(i) }
	y := func(v float64) float64 { return float64(top) + (100-min(max(v, 0), 100))*float64(h-top)/100 }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-label="chart" viewBox="0 0 %d %d" xmlns="http://www.w3.org/2000/svg">`, w, h+bottom+legend*((len(ss)+3)/4))
	for _, v := range []float64{0, 50, 100} {
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" class="grid"/><text x="2" y="%.1f" class="label">%.0f</text>`, left, y(v), w, y(v), y(v)+3, v)
	}
	fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" class="floor"><title>%.0f</title></line>`, left, y(floor), w, y(floor), floor)
	for i, l := range labels {
		if i%2 == n%2 || i == n-1 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="label" text-anchor="middle">%s</text>`, x(i), h+14, template.HTMLEscapeString(l[min(len(l), 5):]))
		}
	}
	for k, s := range ss {
		c := seriesColours[k%len(seriesColours)]
		name := template.HTMLEscapeString(s.Name)
		if name == "" {
			name = "—"
		}
		var pts []string
		flush := func() {
			if len(pts) > 1 {
				fmt.Fprintf(&b, `<polyline class="line" fill="none" stroke="%s" points="%s"/>`, c, strings.Join(pts, " "))
			}
			pts = pts[:0]
		}
		for i, v := range s.Values {
			if v == nil {
				flush()
				continue
			}
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(*v)))
			fmt.Fprintf(&b, `<circle class="point" cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s %s: %.1f</title></circle>`, x(i), y(*v), c, name,
				template.HTMLEscapeString(labels[i]), *v)
		}
		flush()
		lx, ly := left+(k%4)*150, h+bottom+legend*(k/4)+12
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="12" height="4" fill="%s"/><text x="%d" y="%d" class="label legend">%s</text>`, lx, ly-4, c, lx+16, ly, name)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every value in it is a number or escaped
}

// formatFloat formats v with digits decimals.
func formatFloat(v float64, digits int) string {
	return strconv.FormatFloat(v, 'f', digits, 64)
}
