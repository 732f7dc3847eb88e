package rating

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sync"
	"sync/atomic"
	"time"
)

// CardSet is the rate cards a server quotes with: a directory of the seller's own cards, the
// examples built into lastmile, or both (the seller's card of a carrier service replaces the
// example of the same service). Reload reads the directory again and swaps the new set in
// atomically; a directory with errors keeps the set in use. Quotes in flight keep the set they
// started with.
type CardSet struct {
	dirName string
	dir     fs.FS // nil: no directory
	builtin bool

	mu  sync.Mutex // one reload at a time
	cur atomic.Pointer[LoadedCards]
}

// LoadedCards is one loaded set of cards and where it came from.
type LoadedCards struct {
	Cards *Cards
	// Dir is the directory as configured; "" when there is none.
	Dir string
	// Files are the directory's card files, by name.
	Files []string
	// Builtin: the built-in example cards are part of the set.
	Builtin bool
	// LoadedAt is when the set was loaded.
	LoadedAt time.Time
}

// NewCardSet loads the cards of dir (named dirName in errors and listings; nil for none) and,
// when builtin, the built-in examples. Every problem of every card is reported, each naming its
// file (dirName/file.yaml), line and field.
func NewCardSet(dirName string, dir fs.FS, builtin bool, now time.Time) (*CardSet, error) {
	if dir == nil && !builtin {
		return nil, errors.New("no rate cards: give a directory or use the built-in examples")
	}
	s := &CardSet{dirName: dirName, dir: dir, builtin: builtin}
	l, err := s.load(now)
	if err != nil {
		return nil, err
	}
	s.cur.Store(l)
	return s, nil
}

// Cards returns the set in use.
func (s *CardSet) Cards() *Cards { return s.cur.Load().Cards }

// Loaded returns the set in use and where it came from.
func (s *CardSet) Loaded() LoadedCards { return *s.cur.Load() }

// Reload reads the directory again and, when every card is valid, puts the new set in use and
// returns it. With errors the set in use stays, and the error reports every problem.
func (s *CardSet) Reload(now time.Time) (LoadedCards, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.load(now)
	if err != nil {
		return *s.cur.Load(), err
	}
	s.cur.Store(l)
	return *l, nil
}

func (s *CardSet) load(now time.Time) (*LoadedCards, error) {
	l := &LoadedCards{Dir: s.dirName, Builtin: s.builtin, LoadedAt: now}
	var all []*Card
	own := map[[2]string]bool{}
	if s.dir != nil {
		prefix := ""
		if s.dirName != "" {
			prefix = path.Clean(s.dirName) + "/"
		}
		cards, files, err := loadFiles(s.dir, prefix)
		if err != nil {
			return nil, fmt.Errorf("rate cards in %s: %w", s.dirName, err)
		}
		all, l.Files = cards, files
		for _, c := range cards {
			own[[2]string{c.Carrier, c.Service}] = true
		}
	}
	if s.builtin {
		examples, err := DefaultCards()
		if err != nil {
			return nil, fmt.Errorf("built-in rate cards: %w", err)
		}
		for _, c := range examples.Versions() {
			if !own[[2]string{c.Carrier, c.Service}] {
				all = append(all, c)
			}
		}
	}
	cards, err := NewCards(all)
	if err != nil {
		return nil, fmt.Errorf("rate cards in %s: %w", s.dirName, err)
	}
	l.Cards = cards
	return l, nil
}
