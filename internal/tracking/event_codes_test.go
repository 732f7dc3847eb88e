package tracking

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestDefaultCodes(t *testing.T) {
	c := codes(t)
	want := []string{"dhl-ecommerce", "evri", "fedex", "flash-th", "jt-id", "jt-my", "jt-ph", "jt-th", "jt-us", "jt-vn",
		"ninja-van-my", "ninja-van-ph", "ninja-van-sg", "ninja-van-th", "ninja-van-vn", "royal-mail", "ups", "usps"}
	if got := c.Carriers(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("carriers %v\nwant %v", got, want)
	}
	if c.Family("jt-th") != "jt-express" || c.Family("nobody") != "" {
		t.Errorf("families: %q %q", c.Family("jt-th"), c.Family("nobody"))
	}
	for _, carrier := range c.Carriers() {
		for code, m := range c.Table(carrier) {
			if !m.Status.Valid() || !m.Reason.Valid() || (m.Status == StatusException && m.Reason == "") {
				t.Errorf("%s %s: %+v", carrier, code, m)
			}
		}
	}
	m, ok := c.Lookup("jt-th", " picked_up ")
	if !ok || m.Status != StatusInTransit {
		t.Errorf("a lower-case code with spaces: %+v %v", m, ok)
	}
	m, ok = c.Lookup("royal-mail", "EVKSP")
	if !ok || m.Milestones != Of(MilestoneDelivered) {
		t.Errorf("delivered implies its milestone: %+v", m)
	}
	e := Event{Carrier: "no-such-carrier", RawCode: "X"}
	if c.Normalize(&e) || e.Status != StatusInTransit || e.Reason != ReasonUnknownCode {
		t.Errorf("a carrier without a table: %+v", e)
	}
}

func TestLoadCodesErrors(t *testing.T) {
	cases := []struct {
		name, yaml, want string
	}{
		{"unknown status", "family: a\ncarriers: [a]\ncodes:\n  X: {status: flying}\n", `a.yaml:4: code X: status "flying"`},
		{"exception without reason", "family: a\ncarriers: [a]\ncodes:\n  X: {status: exception}\n", "an exception needs its reason"},
		{"lastmile's own reason", "family: a\ncarriers: [a]\ncodes:\n  X: {status: exception, reason: stale}\n", "lastmile's own"},
		{"bad milestone", "family: a\ncarriers: [a]\ncodes:\n  X: {status: in_transit, milestones: [moon]}\n", `milestone "moon"`},
		{"code twice", "family: a\ncarriers: [a]\ncodes:\n  X: {status: in_transit}\n  X: {status: delivered}\n", "X"},
		{"unknown field", "family: a\ncarriers: [a]\nextra: 1\ncodes:\n  X: {status: in_transit}\n", "extra"},
		{"no carriers", "family: a\ncodes:\n  X: {status: in_transit}\n", "carriers: list"},
		{"pending", "family: a\ncarriers: [a]\ncodes:\n  X: {status: pending}\n", "pending is no event's"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadCodes(fstest.MapFS{"a.yaml": {Data: []byte(c.yaml)}})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want it to say %q", err, c.want)
			}
		})
	}
	_, err := LoadCodes(fstest.MapFS{
		"a.yaml": {Data: []byte("family: a\ncarriers: [x]\ncodes:\n  A: {status: in_transit}\n")},
		"b.yaml": {Data: []byte("family: b\ncarriers: [x]\ncodes:\n  B: {status: in_transit}\n")},
	})
	if err == nil || !strings.Contains(err.Error(), "b.yaml:1: carrier x already has its codes in family a") {
		t.Errorf("a carrier in two files: %v", err)
	}
	if _, err := LoadCodes(fstest.MapFS{}); err == nil {
		t.Error("no file at all must be an error")
	}
}

// FuzzLoadCodes: a table file from an operator never panics the loader; what loads is valid.
func FuzzLoadCodes(f *testing.F) {
	f.Add([]byte("family: a\ncarriers: [a]\ncodes:\n  X: {status: in_transit, milestones: [export_customs]}\n"))
	f.Add([]byte("family: a\ncarriers: [a, b]\ncodes:\n  \"01\": {status: exception, reason: lost}\n"))
	f.Add([]byte("codes: [1, 2]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := LoadCodes(fstest.MapFS{"f.yaml": {Data: data}})
		if err != nil {
			return
		}
		for _, carrier := range c.Carriers() {
			for code, m := range c.Table(carrier) {
				if code == "" || !m.Status.Valid() || m.Status == StatusPending || !m.Reason.Valid() || (m.Status == StatusException && m.Reason == "") {
					t.Fatalf("%s %q loaded as %+v", carrier, code, m)
				}
			}
		}
	})
}
