package carrier

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Spec declares an adapter type: its name, what it is for, the configuration it takes and
// how to build a Carrier from that configuration. Adapters register their Spec in init()
// (Register); internal/carrier/all imports the compiled-in ones.
type Spec struct {
	// Type is the adapter type named in configuration ("sim", "ratecard").
	Type string
	// Summary is one line for docs and `lastmile help`.
	Summary string
	// Fields are the configuration keys, in the order to document them.
	Fields []Field
	// New builds a carrier from a configuration checked against Fields: every key known,
	// required keys present, values of their type, defaults filled in.
	New func(cfg Config) (Carrier, error)
}

// Field is one configuration key of an adapter.
type Field struct {
	Name string
	Type FieldType
	// Default is the value used when the key is absent, written as in configuration ("10s");
	// "" for none.
	Default string
	// Required keys must be given (and have no Default).
	Required bool
	// Secret values (API keys) are never printed: Config.Redacted hides them.
	Secret bool
	// Doc says what the key is for.
	Doc string
}

// FieldType is the type of a configuration value.
type FieldType string

// The field types and the values they take from YAML or JSON.
const (
	TypeString   FieldType = "string"   // a string
	TypeInt      FieldType = "int"      // a whole number
	TypeFloat    FieldType = "float"    // a number
	TypeBool     FieldType = "bool"     // true or false
	TypeDuration FieldType = "duration" // a Go duration string: "300ms", "10s", "1m30s"
	TypeStrings  FieldType = "strings"  // a list of strings, or one string
)

var identRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// validate reports a spec that cannot be registered.
func (s *Spec) validate() error {
	if !identRE.MatchString(s.Type) {
		return fmt.Errorf("adapter type %q: want lower-case letters, digits, '.', '_', '-'", s.Type)
	}
	if s.New == nil {
		return fmt.Errorf("adapter %s: New is nil", s.Type)
	}
	seen := map[string]bool{}
	for _, f := range s.Fields {
		if !identRE.MatchString(f.Name) || seen[f.Name] {
			return fmt.Errorf("adapter %s: field name %q is empty, malformed or repeated", s.Type, f.Name)
		}
		seen[f.Name] = true
		if f.Required && f.Default != "" {
			return fmt.Errorf("adapter %s: field %s is required and has a default", s.Type, f.Name)
		}
		if f.Default != "" {
			if _, err := decodeValue(f.Type, f.Default); err != nil {
				return fmt.Errorf("adapter %s: field %s: default %q: %v", s.Type, f.Name, f.Default, err)
			}
		} else if _, err := decodeValue(f.Type, zeroOf(f.Type)); err != nil {
			return fmt.Errorf("adapter %s: field %s: type %q is not one of string, int, float, bool, duration, strings", s.Type, f.Name, f.Type)
		}
	}
	return nil
}

// Registry holds adapter specs by type. The zero value is empty and ready; it is safe for
// concurrent use.
type Registry struct {
	mu    sync.RWMutex
	specs map[string]Spec
}

// NewRegistry returns a registry holding specs, for tests that want an explicit set.
func NewRegistry(specs ...Spec) (*Registry, error) {
	r := &Registry{}
	for _, s := range specs {
		if err := r.Register(s); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Register adds a spec; a malformed spec or a type already registered is an error.
func (r *Registry) Register(s Spec) error {
	if err := s.validate(); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.specs == nil {
		r.specs = map[string]Spec{}
	}
	if _, dup := r.specs[s.Type]; dup {
		return fmt.Errorf("adapter type %q is already registered", s.Type)
	}
	s.Fields = slices.Clone(s.Fields)
	r.specs[s.Type] = s
	return nil
}

// Specs returns every registered spec, sorted by type.
func (r *Registry) Specs() []Spec {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]Spec, 0, len(r.specs))
	for _, s := range r.specs {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Spec) int { return strings.Compare(a.Type, b.Type) })
	return out
}

// Lookup returns the spec of an adapter type.
func (r *Registry) Lookup(typ string) (Spec, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	s, ok := r.specs[typ]
	return s, ok
}

// Types returns the registered adapter types, sorted.
func (r *Registry) Types() []string {
	var out []string
	for _, s := range r.Specs() {
		out = append(out, s.Type)
	}
	return out
}

// New builds a carrier of adapter type typ from raw configuration values (as decoded from
// YAML or JSON). Every problem with the values is reported at once, each naming its key.
func (r *Registry) New(typ string, raw map[string]any) (Carrier, error) {
	s, ok := r.Lookup(typ)
	if !ok {
		return nil, fmt.Errorf("carrier adapter type %q is not compiled in; known: %s", typ, strings.Join(r.Types(), ", "))
	}
	cfg, err := s.Decode(raw)
	if err != nil {
		return nil, err
	}
	c, err := s.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("carrier adapter %s: %w", typ, err)
	}
	return c, nil
}

// Instance configures one carrier account: the adapter type and its configuration.
type Instance struct {
	Type   string         `json:"type" yaml:"type"`
	Config map[string]any `json:"config" yaml:"config"`
}

// Open builds every instance and returns them as a Set; the errors of all instances are
// reported together, each prefixed with its index.
func (r *Registry) Open(instances []Instance) (*Set, error) {
	var list []Carrier
	var errs []error
	for i, in := range instances {
		c, err := r.New(in.Type, in.Config)
		if err != nil {
			errs = append(errs, fmt.Errorf("carriers[%d]: %w", i, err))
			continue
		}
		list = append(list, c)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return NewSet(list...)
}

// defaultRegistry is where adapters register themselves at init time; it is read-only after
// package initialisation.
var defaultRegistry Registry

// Register adds an adapter's spec to the default registry. Call it from the adapter package's
// init(); it panics on a malformed or duplicate spec, a programming error.
func Register(s Spec) {
	if err := defaultRegistry.Register(s); err != nil {
		panic("carrier.Register: " + err.Error())
	}
}

// Default returns the registry the compiled-in adapters registered with (import
// lastmile/internal/carrier/all to have them all).
func Default() *Registry { return &defaultRegistry }
