package tracking

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"lastmile/internal/carrier"
)

// Mapping is what a raw carrier code means in the taxonomy.
type Mapping struct {
	Status     Status
	Reason     Reason
	Milestones MilestoneSet
}

// Codes are the carriers' code tables: per carrier, raw code → Mapping. A table is data, one
// YAML file per carrier family (a family is one carrier's networks that share codes, such as
// J&T Express in six countries):
//
//	family: jt-express
//	carriers: [jt-us, jt-th, jt-my, jt-ph, jt-vn, jt-id]
//	codes:
//	  PICKED_UP: {status: in_transit}
//	  ARRIVED_DESTINATION_COUNTRY: {status: in_transit, milestones: [destination_arrival]}
//	  REJECTED: {status: exception, reason: refused}
//
// An out_for_delivery or delivered status reaches its milestone without saying so. Codes are
// immutable once loaded and safe for concurrent use.
type Codes struct {
	tables map[string]map[string]Mapping // carrier → raw code → mapping
	family map[string]string             // carrier → family
}

//go:embed codes/*.yaml
var embeddedCodes embed.FS

var defaultCodes = sync.OnceValues(func() (*Codes, error) {
	sub, err := fs.Sub(embeddedCodes, "codes")
	if err != nil {
		return nil, err
	}
	return LoadCodes(sub)
})

// DefaultCodes are the tables embedded in lastmile (internal/tracking/codes), parsed once.
func DefaultCodes() (*Codes, error) { return defaultCodes() }

// CodeError is a problem in a code table file, with its line.
type CodeError struct {
	File string
	Line int
	Msg  string
}

func (e *CodeError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// LoadCodes reads every *.yaml file at the root of fsys as a code table. Every problem of
// every file is reported, each with its file and line: an unknown status, reason or
// milestone, an exception without its reason, a code listed twice, a carrier in two files.
func LoadCodes(fsys fs.FS) (*Codes, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	if len(names) == 0 {
		return nil, errors.New("tracking codes: no *.yaml file")
	}
	c := &Codes{tables: map[string]map[string]Mapping{}, family: map[string]string{}}
	var errs []error
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		errs = append(errs, c.load(name, data)...)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("tracking codes: %w", errors.Join(errs...))
	}
	return c, nil
}

// codeFile is a table file as written.
type codeFile struct {
	Family   string    `yaml:"family"`
	Carriers []string  `yaml:"carriers"`
	Codes    yaml.Node `yaml:"codes"`
}

type codeSpec struct {
	Status     string   `yaml:"status"`
	Reason     string   `yaml:"reason"`
	Milestones []string `yaml:"milestones"`
}

func (c *Codes) load(name string, data []byte) []error {
	var errs []error
	fail := func(line int, format string, args ...any) {
		errs = append(errs, &CodeError{File: name, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f codeFile
	if err := dec.Decode(&f); err != nil {
		fail(0, "%v", err)
		return errs
	}
	if f.Family == "" {
		fail(1, "family: give the carrier family's name")
	}
	if len(f.Carriers) == 0 {
		fail(1, "carriers: list the carrier codes that use this table")
	}
	if f.Codes.Kind != yaml.MappingNode || len(f.Codes.Content) == 0 {
		fail(f.Codes.Line, "codes: want a mapping of raw code → {status, reason, milestones}")
		return errs
	}
	table := map[string]Mapping{}
	for i := 0; i+1 < len(f.Codes.Content); i += 2 {
		k, v := f.Codes.Content[i], f.Codes.Content[i+1]
		code := strings.TrimSpace(k.Value)
		if code == "" || len(code) > MaxRawCodeLen {
			fail(k.Line, "code %q: want 1 to %d characters", k.Value, MaxRawCodeLen)
			continue
		}
		if _, dup := table[code]; dup {
			fail(k.Line, "code %s is listed twice", code)
			continue
		}
		var spec codeSpec
		if err := v.Decode(&spec); err != nil {
			fail(v.Line, "code %s: %v", code, err)
			continue
		}
		m, err := spec.mapping()
		if err != nil {
			fail(v.Line, "code %s: %v", code, err)
			continue
		}
		table[code] = m
	}
	for _, carrier := range f.Carriers {
		if other, ok := c.family[carrier]; ok {
			fail(1, "carrier %s already has its codes in family %s", carrier, other)
			continue
		}
		c.family[carrier] = f.Family
		c.tables[carrier] = table
	}
	return errs
}

// mapping checks a code's spec.
func (s codeSpec) mapping() (Mapping, error) {
	m := Mapping{Status: Status(s.Status), Reason: Reason(s.Reason)}
	switch {
	case !m.Status.Valid() || m.Status == StatusPending:
		return m, fmt.Errorf("status %q: want one of %v (pending is no event's)", s.Status, Statuses()[1:])
	case !m.Reason.Valid():
		return m, fmt.Errorf("reason %q: want one of %v", s.Reason, Reasons())
	case m.Reason == ReasonUnknownCode || m.Reason == ReasonStale || m.Reason == ReasonLate:
		return m, fmt.Errorf("reason %s is lastmile's own, never a carrier code's", m.Reason)
	case m.Status == StatusException && m.Reason == "":
		return m, fmt.Errorf("an exception needs its reason: one of %v", Reasons()[:8])
	}
	for _, name := range s.Milestones {
		ms, ok := ParseMilestone(name)
		if !ok {
			return m, fmt.Errorf("milestone %q: want one of %v", name, milestoneNames)
		}
		m.Milestones |= Of(ms)
	}
	m.Milestones |= implied(m.Status)
	return m, nil
}

// implied are the milestones a status reaches by itself.
func implied(s Status) MilestoneSet {
	switch s {
	case StatusOutForDelivery:
		return Of(MilestoneOutForDelivery)
	case StatusDelivered:
		return Of(MilestoneDelivered)
	}
	return 0
}

// Carriers lists the carriers with a table, sorted.
func (c *Codes) Carriers() []string { return slices.Sorted(maps.Keys(c.tables)) }

// Family is the family whose table carrier uses, "" when it has none.
func (c *Codes) Family(carrier string) string { return c.family[carrier] }

// Table is a copy of carrier's table, nil when it has none.
func (c *Codes) Table(carrier string) map[string]Mapping { return maps.Clone(c.tables[carrier]) }

// Lookup is the mapping of carrier's raw code. Codes are matched as sent, then in upper case
// (a batch may send "picked_up" for PICKED_UP); surrounding spaces are ignored.
func (c *Codes) Lookup(carrier, code string) (Mapping, bool) {
	t := c.tables[carrier]
	if t == nil {
		return Mapping{}, false
	}
	code = strings.TrimSpace(code)
	if m, ok := t[code]; ok {
		return m, true
	}
	m, ok := t[strings.ToUpper(code)]
	return m, ok
}

// Normalize sets e's status, reason and milestones from its carrier's table, and reports
// whether the code was known. An unknown code (or a carrier without a table) becomes
// in_transit with the reason unknown_code: the carrier reported activity, which counts for
// the cadence and stale rules, but Apply lets it move neither the status, nor the milestones,
// nor the first scan, so a code nobody has mapped cannot fake progress. The raw code stays in
// e.RawCode either way.
func (c *Codes) Normalize(e *Event) bool {
	m, ok := c.Lookup(e.Carrier, e.RawCode)
	if !ok {
		e.Status, e.Reason, e.Milestones = StatusInTransit, ReasonUnknownCode, 0
		return false
	}
	e.Status, e.Reason, e.Milestones = m.Status, m.Reason, m.Milestones
	return true
}

// Events are a carrier's raw tracking of one number as lastmile's events, normalised: what a
// poll (carrier.Carrier.Track) or a webhook of carrierCode brought.
func (c *Codes) Events(carrierCode string, t carrier.Tracking) []Event {
	out := make([]Event, len(t.Events))
	for i, e := range t.Events {
		out[i] = Event{
			TrackingNumber: t.TrackingNumber, Carrier: carrierCode, RawCode: e.Code, Description: e.Description,
			OccurredAt: e.OccurredAt, Location: Location(e.Location),
		}
		c.Normalize(&out[i])
	}
	return out
}
