package demo

// SKUs lists the SKUs the demo's orders use, so that the demo can stock them.
func SKUs() []string {
	out := make([]string, len(products))
	for i, p := range products {
		out[i] = p.sku
	}
	return out
}
