package carrier

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config is an adapter's configuration checked against its Spec: every value has its field's
// Go type (string, int64, float64, bool, time.Duration, []string) and absent keys with a
// default have it. The accessors return the zero value for a key that is absent (or of
// another type), which Spec.Decode rules out for the keys the spec declares.
type Config struct {
	spec   *Spec
	values map[string]any
}

// ConfigError is one problem with one configuration key.
type ConfigError struct {
	Adapter, Key, Msg string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("carrier adapter %s: config key %q: %s", e.Adapter, e.Key, e.Msg)
}

// Decode checks raw configuration values (from YAML or JSON) against the spec: unknown keys,
// missing required keys and values of the wrong type are each a *ConfigError, all reported
// together; defaults fill absent keys.
func (s Spec) Decode(raw map[string]any) (Config, error) {
	cfg := Config{spec: &s, values: map[string]any{}}
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, &ConfigError{Adapter: s.Type, Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	known := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		known[i] = f.Name
	}
	for _, key := range sortedKeys(raw) {
		if !slices.Contains(known, key) {
			bad(key, "unknown key; %s takes %s", s.Type, strings.Join(known, ", "))
		}
	}
	for _, f := range s.Fields {
		v, given := raw[f.Name]
		if given && v == nil {
			given = false // "key:" with no value in YAML, null in JSON
		}
		if !given {
			if f.Required {
				bad(f.Name, "is required: %s", f.Doc)
				continue
			}
			if f.Default != "" {
				d, _ := decodeValue(f.Type, f.Default) // checked by Register
				cfg.values[f.Name] = d
			}
			continue
		}
		d, err := decodeValue(f.Type, v)
		if err != nil {
			bad(f.Name, "%v", err)
			continue
		}
		cfg.values[f.Name] = d
	}
	if len(errs) > 0 {
		return Config{}, errors.Join(errs...)
	}
	return cfg, nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// zeroOf is a valid configuration value of type t, used to check a spec's field types.
func zeroOf(t FieldType) any {
	switch t {
	case TypeString, TypeDuration:
		return "0s"
	case TypeInt, TypeFloat:
		return 0
	case TypeBool:
		return false
	case TypeStrings:
		return []any{}
	}
	return nil
}

// decodeValue converts a value as YAML or JSON decoding gives it (string, bool, int, int64,
// uint64, float64, json.Number, []any, []string) to the field's Go type. A string is accepted
// for every type and parsed, so defaults and environment variables share one path.
func decodeValue(t FieldType, v any) (any, error) {
	switch t {
	case TypeString:
		if s, ok := v.(string); ok {
			return s, nil
		}
		return nil, fmt.Errorf("want a string, got %s", describe(v))
	case TypeInt:
		switch x := v.(type) {
		case int:
			return int64(x), nil
		case int64:
			return x, nil
		case uint64:
			if x > math.MaxInt64 {
				return nil, fmt.Errorf("%d is too large", x)
			}
			return int64(x), nil
		case float64:
			if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
				return nil, fmt.Errorf("want a whole number, got %v", x)
			}
			return int64(x), nil
		case json.Number:
			return parseInt(string(x))
		case string:
			return parseInt(x)
		}
		return nil, fmt.Errorf("want a whole number, got %s", describe(v))
	case TypeFloat:
		switch x := v.(type) {
		case int:
			return float64(x), nil
		case int64:
			return float64(x), nil
		case uint64:
			return float64(x), nil
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("want a finite number, got %v", x)
			}
			return x, nil
		case json.Number:
			return parseFloat(string(x))
		case string:
			return parseFloat(x)
		}
		return nil, fmt.Errorf("want a number, got %s", describe(v))
	case TypeBool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			b, err := strconv.ParseBool(strings.TrimSpace(x))
			if err != nil {
				return nil, fmt.Errorf("want true or false, got %q", x)
			}
			return b, nil
		}
		return nil, fmt.Errorf("want true or false, got %s", describe(v))
	case TypeDuration:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("want a duration such as \"10s\" or \"300ms\" (a string with its unit), got %s", describe(v))
		}
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil || d < 0 {
			return nil, fmt.Errorf("want a duration such as \"10s\" or \"300ms\", got %q", s)
		}
		return d, nil
	case TypeStrings:
		switch x := v.(type) {
		case string:
			var out []string
			for _, p := range strings.Split(x, ",") {
				if p = strings.TrimSpace(p); p != "" {
					out = append(out, p)
				}
			}
			return out, nil
		case []string:
			return slices.Clone(x), nil
		case []any:
			out := make([]string, len(x))
			for i, e := range x {
				s, ok := e.(string)
				if !ok {
					return nil, fmt.Errorf("item %d: want a string, got %s", i, describe(e))
				}
				out[i] = s
			}
			return out, nil
		}
		return nil, fmt.Errorf("want a list of strings, got %s", describe(v))
	}
	return nil, fmt.Errorf("unknown field type %q", t)
}

func parseInt(s string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("want a whole number, got %q", s)
	}
	return n, nil
}

func parseFloat(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("want a number, got %q", s)
	}
	return f, nil
}

// describe names a value's JSON kind for messages, without printing a secret.
func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int, int64, uint64, float64, json.Number:
		return "a number"
	case []any, []string:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("a %T", v)
}

// Type is the adapter type the configuration is for.
func (c Config) Type() string {
	if c.spec == nil {
		return ""
	}
	return c.spec.Type
}

// Has reports whether the key has a value (given or by default).
func (c Config) Has(key string) bool { _, ok := c.values[key]; return ok }

// String returns a string value.
func (c Config) String(key string) string { s, _ := c.values[key].(string); return s }

// Int returns a whole-number value.
func (c Config) Int(key string) int64 { n, _ := c.values[key].(int64); return n }

// Float returns a number value.
func (c Config) Float(key string) float64 { f, _ := c.values[key].(float64); return f }

// Bool returns a boolean value.
func (c Config) Bool(key string) bool { b, _ := c.values[key].(bool); return b }

// Duration returns a duration value.
func (c Config) Duration(key string) time.Duration { d, _ := c.values[key].(time.Duration); return d }

// Strings returns a list value; the slice is the caller's.
func (c Config) Strings(key string) []string {
	s, _ := c.values[key].([]string)
	return slices.Clone(s)
}

// Redacted returns the values for logs and docs, with secret fields replaced by "***".
func (c Config) Redacted() map[string]any {
	out := make(map[string]any, len(c.values))
	for k, v := range c.values {
		out[k] = v
	}
	if c.spec != nil {
		for _, f := range c.spec.Fields {
			if _, ok := out[f.Name]; ok && f.Secret {
				out[f.Name] = "***"
			}
		}
	}
	return out
}
