package label

// Code128 returns s (printable ASCII) encoded as Code 128 with the fewest symbols: the bar and
// space widths in modules, bar first, start to stop, without quiet zones (what Barcode.Widths
// holds). It is for other documents that carry a barcode drawn by the same rules, such as the
// end-of-day manifest's scan form.
func Code128(s string) ([]uint8, error) {
	c, err := encode128(s)
	if err != nil {
		return nil, err
	}
	return c.widths(), nil
}
