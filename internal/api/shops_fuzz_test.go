package api

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzMergePatch feeds arbitrary bodies to the settings patch decoder: it answers a client
// error or the object's members, each once, and what it accepts is exactly the object sent.
func FuzzMergePatch(f *testing.F) {
	for _, s := range []string{`{}`, `{"ship_within":"48h","promise_days":5}`, `{"a":1,"a":2}`, `[1]`, `{"a":`, `{} x`, "", `{"a":null}`, "{\"\x00\":1}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		members, ae := decodeMergePatch(body)
		if ae != nil {
			if ae.Status < 400 || ae.Status >= 500 {
				t.Fatalf("status %d for %q", ae.Status, body)
			}
			return
		}
		var want map[string]json.RawMessage
		if err := json.Unmarshal(body, &want); err != nil {
			t.Fatalf("accepted %q, which is not a JSON object: %v", body, err)
		}
		if len(want) != len(members) {
			t.Fatalf("%d members, the object has %d", len(members), len(want))
		}
		for k, v := range want {
			if !bytes.Equal(bytes.TrimSpace(members[k]), bytes.TrimSpace(v)) {
				t.Fatalf("member %q = %s, want %s", k, members[k], v)
			}
		}
	})
}
