package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/rating"
)

// rateCards returns the cards quotes use: the server's set (config rate_cards and
// rate_cards_builtin), or the built-in examples when it has none.
func (s *Server) rateCards() (*rating.Cards, error) {
	if s.deps.RateCards != nil {
		return s.deps.RateCards.Cards(), nil
	}
	return rating.DefaultCards()
}

// rateCardsJSON describes the set of cards in use.
type rateCardsJSON struct {
	// Dir is the configured directory (rate_cards); "" when there is none.
	Dir string `json:"dir"`
	// Files are its card files.
	Files []string `json:"files"`
	// Builtin: the built-in example cards are part of the set (rate_cards_builtin).
	Builtin bool `json:"builtin"`
	// Services is how many carrier services the set quotes.
	Services int       `json:"services"`
	LoadedAt time.Time `json:"loaded_at"`
}

func rateCardsOut(l rating.LoadedCards) rateCardsJSON {
	files := l.Files
	if files == nil {
		files = []string{}
	}
	return rateCardsJSON{Dir: l.Dir, Files: files, Builtin: l.Builtin, Services: l.Cards.Len(), LoadedAt: l.LoadedAt.UTC()}
}

// reloadRateCards is POST /v1/rate-cards:reload: read the rate_cards directory again and put its
// cards in use at once, on this node (SIGHUP does the same; with several nodes, reload each).
// Any API key may reload: the cards are the server's, not a shop's. A directory with errors
// keeps the cards in use and answers 422 with every problem, each naming its file, line and
// field.
func (s *Server) reloadRateCards(w http.ResponseWriter, r *http.Request) {
	if s.deps.RateCards == nil {
		s.fail(w, r, &apiError{Status: http.StatusConflict, Code: "no_rate_cards",
			Message: "this server quotes with the built-in cards only; set rate_cards in the configuration to load your own"})
		return
	}
	l, err := s.deps.RateCards.Reload(s.deps.Now())
	if err != nil {
		s.deps.Log.Warn("rate cards not reloaded; the cards in use stay", "err", err)
		problems := cardProblems(err)
		writeJSON(w, http.StatusUnprocessableEntity, errorBody{
			Error: &apiError{Code: "rate_cards_invalid", Field: "rate_cards",
				Message: fmt.Sprintf("%d problem(s) in the rate cards, the first: %s; the cards loaded at %s stay in use",
					len(problems), problems[0].Message, l.LoadedAt.UTC().Format(time.RFC3339))},
			Errors: problems})
		return
	}
	s.deps.Log.Info("rate cards reloaded", "dir", l.Dir, "files", len(l.Files), "services", l.Cards.Len(), "builtin", l.Builtin)
	writeJSON(w, http.StatusOK, rateCardsOut(l))
}

// cardProblems lists every problem of a card load: a *rating.CardError names its field, and its
// message its file and line.
func cardProblems(err error) []model.FieldError {
	var out []model.FieldError
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var ce *rating.CardError
		if errors.As(err, &ce) {
			out = append(out, model.FieldError{Code: "card_invalid", Field: ce.Field, Message: ce.Error()})
			return
		}
		if w := errors.Unwrap(err); w != nil {
			if _, ok := w.(interface{ Unwrap() []error }); ok {
				walk(w)
				return
			}
		}
		out = append(out, model.FieldError{Code: "card_invalid", Message: err.Error()})
	}
	walk(err)
	return out
}
