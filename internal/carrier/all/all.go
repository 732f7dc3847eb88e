// Package all compiles in every carrier adapter: import it for its side effect, and
// carrier.Default() holds them all (the list `lastmile` and docs/carriers.md document).
package all

import (
	// The adapters, each registering its carrier.Spec in init().
	_ "lastmile/internal/carrier/ratecard"
	_ "lastmile/internal/carrier/sim"
)
