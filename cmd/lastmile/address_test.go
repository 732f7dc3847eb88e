package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func runCheck(t *testing.T, input string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = runAddressCheck(context.Background(), args, stdio{in: strings.NewReader(input), out: &out, err: &errb})
	return code, out.String(), errb.String()
}

// result mirrors the JSON contract of address.Result, decoded independently of the Go type.
type result struct {
	Valid      bool              `json:"valid"`
	Normalized map[string]string `json:"normalized"`
	Problems   []struct {
		Code, Field, Message, Suggestion string
	} `json:"problems"`
	RemoteArea bool `json:"remote_area"`
}

func decodeResults(t *testing.T, stdout string) []result {
	t.Helper()
	var rs []result
	for _, line := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		if line == "" {
			continue
		}
		var r result
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("output line %q is not JSON: %v", line, err)
		}
		rs = append(rs, r)
	}
	return rs
}

func TestAddressCheckCLI(t *testing.T) {
	t.Parallel()
	valid := `{"name":"Emily Carter","line1":"1450 Market St","city":"San Francisco","region":"California","postal_code":"941031234","country":"us","phone":"(415) 555-0132"}`
	invalid := `{"name":"王伟","line1":"1 High St","city":"Lerwick","postal_code":"ZE1","country":"UK","phone":"12"}`
	remote := `{"name":"Kai Akana","line1":"2255 Kuhio Ave","city":"Honolulu","region":"HI","postal_code":96815,"country":"US","phone":"+1 808 555 0134","extra":{"order":"A1"}}`

	t.Run("R-ORD-6/one_result_per_line_exit_0", func(t *testing.T) {
		t.Parallel()
		in := "\ufeff" + valid + "\r\n\r\n" + invalid + "\r\n   \n" + remote
		code, stdout, stderr := runCheck(t, in)
		if code != exitOK {
			t.Fatalf("exit %d, want 0; stderr %q", code, stderr)
		}
		rs := decodeResults(t, stdout)
		if len(rs) != 3 {
			t.Fatalf("got %d results, want 3:\n%s", len(rs), stdout)
		}
		if !rs[0].Valid || rs[0].Normalized["postal_code"] != "94103-1234" || rs[0].Normalized["region"] != "CA" ||
			rs[0].Normalized["phone"] != "+14155550132" || rs[0].Normalized["country"] != "US" {
			t.Errorf("first result = %+v", rs[0])
		}
		if rs[1].Valid || len(rs[1].Problems) == 0 {
			t.Errorf("second result should be invalid: %+v", rs[1])
		}
		codes := map[string]bool{}
		for _, p := range rs[1].Problems {
			codes[p.Field+":"+p.Code] = true
		}
		for _, want := range []string{"name:non_latin_script", "postal_code:postal_code_format", "phone:phone_invalid"} {
			if !codes[want] {
				t.Errorf("second result lacks %s: %+v", want, rs[1].Problems)
			}
		}
		if !rs[2].Valid || !rs[2].RemoteArea || rs[2].Normalized["postal_code"] != "96815" {
			t.Errorf("third result (a number postal code, an unknown field, Hawaii) = %+v", rs[2])
		}
	})

	t.Run("contract/problems_is_an_empty_array", func(t *testing.T) {
		t.Parallel()
		_, stdout, _ := runCheck(t, valid+"\n")
		if !strings.Contains(stdout, `"problems":[]`) || !strings.Contains(stdout, `"remote_area":false`) {
			t.Errorf("output %q should have \"problems\":[] and remote_area", stdout)
		}
		if strings.Count(stdout, "\n") != 1 {
			t.Errorf("want exactly one line, got %q", stdout)
		}
	})

	t.Run("usage/not_an_object_exits_2_naming_the_line", func(t *testing.T) {
		t.Parallel()
		code, stdout, stderr := runCheck(t, valid+"\n\n[1,2]\n"+valid+"\n")
		if code != exitUsage {
			t.Fatalf("exit %d, want 2", code)
		}
		if !strings.Contains(stderr, "line 3") {
			t.Errorf("stderr %q should name line 3", stderr)
		}
		if n := len(decodeResults(t, stdout)); n != 1 {
			t.Errorf("want the 1 result before the bad line, got %d", n)
		}
	})

	t.Run("usage/field_of_wrong_type", func(t *testing.T) {
		t.Parallel()
		code, _, stderr := runCheck(t, `{"name":["a"],"country":"US"}`+"\n")
		if code != exitUsage || !strings.Contains(stderr, `"name"`) || !strings.Contains(stderr, "line 1") {
			t.Errorf("exit %d, stderr %q; want 2 naming the field and line 1", code, stderr)
		}
	})

	t.Run("usage/broken_json", func(t *testing.T) {
		t.Parallel()
		for _, in := range []string{`{"name":`, `null`, `"just a string"`, `42`} {
			if code, _, _ := runCheck(t, in); code != exitUsage {
				t.Errorf("input %q: exit %d, want 2", in, code)
			}
		}
	})

	t.Run("long_line", func(t *testing.T) {
		t.Parallel()
		long := `{"name":"` + strings.Repeat("a", 200_000) + `","line1":"1 Main St","city":"Austin","region":"TX","postal_code":"78701","country":"US","phone":"+15125550100"}`
		code, stdout, stderr := runCheck(t, long+"\n")
		if code != exitOK {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
		rs := decodeResults(t, stdout)
		if len(rs) != 1 || rs[0].Valid || rs[0].Problems[0].Code != "field_too_long" {
			t.Errorf("want one result with field_too_long, got %+v", rs)
		}
	})

	t.Run("empty_input", func(t *testing.T) {
		t.Parallel()
		if code, stdout, _ := runCheck(t, ""); code != exitOK || stdout != "" {
			t.Errorf("exit %d, output %q; want 0 and nothing", code, stdout)
		}
	})

	t.Run("flags/help", func(t *testing.T) {
		t.Parallel()
		code, _, stderr := runCheck(t, "", "--help")
		if code != exitOK || !strings.Contains(stderr, "address check") {
			t.Errorf("--help: exit %d, stderr %q", code, stderr)
		}
		if code, _, _ := runCheck(t, "", "--nope"); code != exitUsage {
			t.Errorf("unknown flag: exit %d, want 2", code)
		}
		if code, _, _ := runCheck(t, "", "file.jsonl"); code != exitUsage {
			t.Errorf("argument: exit %d, want 2", code)
		}
	})

	t.Run("cancelled", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var out, errb bytes.Buffer
		code := runAddressCheck(ctx, nil, stdio{in: strings.NewReader(valid + "\n"), out: &out, err: &errb})
		if code != exitFail {
			t.Errorf("exit %d, want 1", code)
		}
	})
}
