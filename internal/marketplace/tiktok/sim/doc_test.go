package sim

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestDocumented: docs/tiktok.md and its Chinese mirror name every sim-only endpoint and the
// sim's own error codes, so a reader learns every switch the sim has.
func TestDocumented(t *testing.T) {
	t.Parallel()
	endpoints := []string{"/sim/authorize", "/sim/stats", "/sim/shops", "/sim/orders", "/sim/rate", "/sim/peak",
		"/sim/webhooks", "/sim/faults", "/sim/tokens/expire"}
	codes := []int{CodeInvalidParameter, CodeNotFound, CodeConflict}
	for _, name := range []string{"tiktok.md", "tiktok.zh-CN.md"} {
		b, err := os.ReadFile("../../../../docs/" + name)
		if err != nil {
			t.Fatal(err)
		}
		doc := string(b)
		for _, e := range endpoints {
			if !strings.Contains(doc, e) {
				t.Errorf("docs/%s does not document %s", name, e)
			}
		}
		for _, c := range codes {
			if !strings.Contains(doc, strconv.Itoa(c)) {
				t.Errorf("docs/%s does not document code %d", name, c)
			}
		}
	}
}
