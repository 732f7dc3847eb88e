package sim

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"lastmile/internal/label"
	"lastmile/internal/model"
)

// labelRec is a label the network sold. The fields above the line are fixed at purchase (and
// journalled); VoidedAt and the manifest fields change later and are journalled as their own
// records.
type labelRec struct {
	Carrier     string         `json:"carrier"`
	Service     string         `json:"service"`
	ShipmentID  string         `json:"shipment_id"`
	Number      string         `json:"tracking_number"`
	Serial      uint64         `json:"serial"`
	Reference   string         `json:"reference"`
	Key         string         `json:"key"`
	Fingerprint digest         `json:"fingerprint"`
	Charge      model.Money    `json:"charge"`
	Lines       []wireLine     `json:"lines"`
	PurchasedAt time.Time      `json:"purchased_at"`
	Repeat      bool           `json:"repeat,omitempty"`
	Origin      wireLocation   `json:"origin"`
	Dest        wireLocation   `json:"dest"`
	Doc         *docSpec       `json:"doc,omitempty"`
	Data        *wireLabelData `json:"data,omitempty"`

	VoidedAt     time.Time `json:"-"`
	ManifestID   string    `json:"-"`
	ManifestedAt time.Time `json:"-"`
}

// docSpec is what a carrier that returns its own document renders: the document is made again
// from it on every answer (the renderers give the same bytes for the same input, R-LBL-6), so
// the network keeps a few hundred bytes a label instead of the document.
type docSpec struct {
	Format string      `json:"format"`
	Label  label.Label `json:"label"`
}

// live reports whether the label is not voided.
func (l *labelRec) live() bool { return l.VoidedAt.IsZero() }

// manifestRec is an end-of-day manifest.
type manifestRec struct {
	Carrier      string        `json:"carrier"`
	ID           string        `json:"id"`
	Key          string        `json:"key"`
	Fingerprint  digest        `json:"fingerprint"`
	ShipDate     string        `json:"ship_date"`
	From         model.Address `json:"from"`
	WarehouseRef string        `json:"warehouse_ref,omitempty"`
	Numbers      []string      `json:"tracking_numbers"`
	CreatedAt    time.Time     `json:"created_at"`
}

// pickupRec is a scheduled pickup.
type pickupRec struct {
	Carrier     string     `json:"carrier"`
	ID          string     `json:"id"`
	Key         string     `json:"key"`
	Fingerprint digest     `json:"fingerprint"`
	Window      wireWindow `json:"window"`
}

// voidRec journals a void.
type voidRec struct {
	Carrier    string    `json:"carrier"`
	ShipmentID string    `json:"shipment_id"`
	At         time.Time `json:"at"`
}

// state is everything the network sold. The Network's mutex guards it.
type state struct {
	seed      uint64
	labels    map[string]*labelRec // by shipment id
	byNumber  map[string]*labelRec
	byKey     map[idemKey]*labelRec
	liveRefs  map[string]int    // package reference → live labels, at any carrier
	serials   map[string]uint64 // carrier → last label serial
	manifests map[idemKey]*manifestRec
	pickups   map[idemKey]*pickupRec
	nextID    uint64 // manifests and pickups
	counts    map[string]*CarrierStats
}

func newState(seed uint64) *state {
	return &state{
		seed: seed, labels: map[string]*labelRec{}, byNumber: map[string]*labelRec{}, byKey: map[idemKey]*labelRec{},
		liveRefs: map[string]int{}, serials: map[string]uint64{}, manifests: map[idemKey]*manifestRec{},
		pickups: map[idemKey]*pickupRec{}, counts: map[string]*CarrierStats{},
	}
}

// idemKey is a carrier's idempotency key; the strings are the record's own, so the map key
// costs no allocation of its own.
type idemKey struct{ carrier, key string }

func keyOf(carrierCode, key string) idemKey { return idemKey{carrierCode, key} }

func (s *state) stats(code string) *CarrierStats {
	c := s.counts[code]
	if c == nil {
		c = &CarrierStats{}
		s.counts[code] = c
	}
	return c
}

// addLabel records a sold label.
func (s *state) addLabel(l *labelRec) {
	s.labels[l.ShipmentID] = l
	s.byNumber[l.Number] = l
	s.byKey[keyOf(l.Carrier, l.Key)] = l
	s.liveRefs[l.Reference]++
	s.serials[l.Carrier] = max(s.serials[l.Carrier], l.Serial)
	st := s.stats(l.Carrier)
	st.Labels++
	if l.Repeat {
		st.RepeatPurchases++
	}
}

// void records a void.
func (s *state) void(l *labelRec, at time.Time) {
	l.VoidedAt = at
	s.liveRefs[l.Reference]--
	s.stats(l.Carrier).Voided++
}

func (s *state) addManifest(m *manifestRec) {
	s.manifests[keyOf(m.Carrier, m.Key)] = m
	for _, num := range m.Numbers {
		if l := s.byNumber[num]; l != nil {
			l.ManifestID, l.ManifestedAt = m.ID, m.CreatedAt
		}
	}
	s.nextID++
	s.stats(m.Carrier).Manifests++
}

func (s *state) addPickup(p *pickupRec) {
	s.pickups[keyOf(p.Carrier, p.Key)] = p
	s.nextID++
	s.stats(p.Carrier).Pickups++
}

// record is one line of the journal.
type record struct {
	Type     string       `json:"type"` // network, label, void, manifest, pickup
	Seed     uint64       `json:"seed,omitempty"`
	Label    *labelRec    `json:"label,omitempty"`
	Void     *voidRec     `json:"void,omitempty"`
	Manifest *manifestRec `json:"manifest,omitempty"`
	Pickup   *pickupRec   `json:"pickup,omitempty"`
}

// journal appends records to the state file, one JSON line each, written at once so that a
// killed sim loses at most the record being written.
type journal struct {
	f *os.File
}

// openJournal replays the file at path into st (creating it, with the network's seed, when it
// does not exist) and opens it for appending. A last line cut short by a crash is dropped.
func openJournal(path string, st *state) (*journal, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	good, err := replay(f, st)
	if err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Truncate(good); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	j := &journal{f: f}
	if good == 0 {
		if err := j.append(record{Type: "network", Seed: st.seed}); err != nil {
			f.Close()
			return nil, err
		}
	}
	return j, nil
}

// replay applies every complete record of r to st and returns the offset after the last one.
func replay(r io.Reader, st *state) (int64, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var off int64
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			return off, nil // a line without its newline was cut short: dropped
		}
		if err != nil {
			return 0, err
		}
		var rec record
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rec); err != nil {
			return 0, fmt.Errorf("line %d: %v", line, err)
		}
		if err := apply(st, rec); err != nil {
			return 0, fmt.Errorf("line %d: %v", line, err)
		}
		off += int64(len(b))
	}
}

func apply(st *state, rec record) error {
	switch {
	case rec.Type == "network":
		st.seed = rec.Seed
	case rec.Type == "label" && rec.Label != nil:
		st.addLabel(rec.Label)
	case rec.Type == "void" && rec.Void != nil:
		l := st.labels[rec.Void.ShipmentID]
		if l == nil {
			return fmt.Errorf("void of unknown label %s", rec.Void.ShipmentID)
		}
		if l.live() {
			st.void(l, rec.Void.At)
		}
	case rec.Type == "manifest" && rec.Manifest != nil:
		st.addManifest(rec.Manifest)
	case rec.Type == "pickup" && rec.Pickup != nil:
		st.addPickup(rec.Pickup)
	default:
		return fmt.Errorf("unknown record type %q", rec.Type)
	}
	return nil
}

func (j *journal) append(rec record) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	_, err = j.f.Write(append(b, '\n'))
	return err
}

func (j *journal) close() error { return j.f.Close() }

// persist journals rec when the network has a state file; the caller holds n.mu.
func (n *Network) persist(rec record) error {
	if n.journal == nil {
		return nil
	}
	if err := n.journal.append(rec); err != nil {
		return fmt.Errorf("writing the state file: %w", err)
	}
	return nil
}
