package labeltest

import (
	"fmt"

	"lastmile/internal/label"
)

// Check returns every way the page breaks the layout rules: text outside the page margins
// or wider than its room, a barcode that is not a whole number of dots a module, below the
// minimum module or 15 mm high, whose quiet zones (10 modules) leave the page or touch
// another element, a QR under 50 mm or not in the bottom-right corner, or whose quiet zone
// touches another element. An empty result is a good page.
func Check(p *label.Page) []string {
	var bad []string
	pitch := 25.4 / float64(p.DPI)
	W, H := p.Size.W, p.Size.H
	type zone struct {
		what           string
		x0, y0, x1, y1 float64 // mm
	}
	var zones []zone
	for _, e := range p.Elements {
		switch e := e.(type) {
		case label.Barcode:
			if float64(e.Module)*pitch < label.MinModuleMM-0.005 {
				bad = append(bad, fmt.Sprintf("barcode module %d dots = %.3f mm, below %.2f mm", e.Module, float64(e.Module)*pitch, label.MinModuleMM))
			}
			if float64(e.Height)*pitch < label.MinBarHeightMM-1e-9 {
				bad = append(bad, fmt.Sprintf("bars %.2f mm high, below %.0f mm", float64(e.Height)*pitch, label.MinBarHeightMM))
			}
			qz := label.QuietZoneModules * e.Module
			x0, x1 := e.X-qz, e.X+e.Width()+qz
			if x0 < 0 || x1 > p.WDots {
				bad = append(bad, fmt.Sprintf("barcode with quiet zones spans dots %d to %d, page is %d", x0, x1, p.WDots))
			}
			zones = append(zones, zone{"barcode and quiet zones", float64(x0) * pitch, float64(e.Y) * pitch, float64(x1) * pitch, float64(e.Y+e.Height) * pitch})
		case label.QR:
			side := float64(e.Size()) * pitch
			if side < label.QRMinMM-1e-9 {
				bad = append(bad, fmt.Sprintf("QR is %.2f mm, below %.0f mm (R-LBL-5)", side, label.QRMinMM))
			}
			qz := label.QRQuietModules * e.Module
			x0, y0 := e.X-qz, e.Y-qz
			x1, y1 := e.X+e.Size()+qz, e.Y+e.Size()+qz
			if x0 < 0 || y0 < 0 || x1 > p.WDots || y1 > p.HDots {
				bad = append(bad, fmt.Sprintf("QR with quiet zone (%d,%d)-(%d,%d) leaves the page %d×%d", x0, y0, x1, y1, p.WDots, p.HDots))
			}
			if float64(x1)*pitch < W-3 || float64(y1)*pitch < H-3 || float64(e.X)*pitch < W/3 {
				bad = append(bad, "QR is not at the bottom right (R-LBL-5)")
			}
			zones = append(zones, zone{"QR and quiet zone", float64(x0) * pitch, float64(y0) * pitch, float64(x1) * pitch, float64(y1) * pitch})
		}
	}
	for _, e := range p.Elements {
		var x0, y0, x1, y1 float64
		switch e := e.(type) {
		case label.Text:
			tw := label.TextWidth(e.S, e.Size, e.Bold)
			if tw > e.W+1e-6 {
				bad = append(bad, fmt.Sprintf("%s is %.2f mm wide in a room of %.2f mm", Describe(e), tw, e.W))
			}
			asc, desc := e.Size*0.3528*0.78, e.Size*0.3528*0.22
			x0, y0, x1, y1 = e.X, e.Y-asc, e.X+tw, e.Y+desc
			if x0 < label.MarginMM-1e-6 || x1 > W-label.MarginMM+1e-6 || y0 < label.MarginMM-0.5 || y1 > H-label.MarginMM+0.5 {
				bad = append(bad, fmt.Sprintf("%s leaves the page margins (%.1f,%.1f)-(%.1f,%.1f)", Describe(e), x0, y0, x1, y1))
			}
			if e.Size < 4-1e-9 {
				bad = append(bad, fmt.Sprintf("%s is below 4 pt", Describe(e)))
			}
		case label.Box:
			x0, y0, x1, y1 = e.X, e.Y, e.X+e.W, e.Y+e.H
			if x0 < label.MarginMM-1e-6 || x1 > W-label.MarginMM+1e-6 || y0 < label.MarginMM-1e-6 || y1 > H-label.MarginMM+1e-6 {
				bad = append(bad, fmt.Sprintf("%s leaves the page margins", Describe(e)))
			}
		default:
			continue
		}
		for _, z := range zones {
			if x0 < z.x1 && x1 > z.x0 && y0 < z.y1-1e-6 && y1 > z.y0+1e-6 {
				bad = append(bad, fmt.Sprintf("%s overlaps the %s (%.1f,%.1f)-(%.1f,%.1f)", Describe(e), z.what, z.x0, z.y0, z.x1, z.y1))
			}
		}
	}
	return bad
}
