package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/rating"
)

// maxRateInput bounds the order read from stdin.
const maxRateInput = 32 << 20

// runRate is `lastmile rate`: it reads one JSON object on stdin, an order (the order JSON
// contract) with optional "package", "options", "monthly_parcels", "boxes" and "handover",
// quotes it against the rate cards and writes
// {"quotes":[…],"selected":{"carrier","service"},…} on stdout.
//
// Exit status: 0 with a selected quote; 1 when no service is eligible (the quotes, with their
// reasons, are still written) or the items fit in no box; 2 on bad flags, bad cards or
// unreadable input.
func runRate(ctx context.Context, args []string, s stdio) int {
	fs := newFlags("rate", "rate [--cards DIR] [--policy cheapest|fastest|best_value] [--best-value-pct N] [--now TIME] < order.json", s)
	cardsDir := fs.String("cards", "", "directory of rate cards (*.yaml, see docs/ratecards.md); default: the embedded examples")
	policy := fs.String("policy", string(rating.Cheapest), "cheapest (lowest total meeting the promise), fastest, or best_value (cheapest within N% of the fastest transit)")
	pct := fs.Int("best-value-pct", rating.DefaultBestValuePct, "N of best_value: how much longer than the fastest transit, in percent, a cheaper service may take")
	nowFlag := fs.String("now", "", "the clock as an RFC 3339 time, for reproducible quotes (default: now)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	p, err := rating.ParsePolicy(*policy)
	if err != nil {
		fmt.Fprintf(s.err, "lastmile rate: --%v\n", err)
		return exitUsage
	}
	if *pct < 0 {
		fmt.Fprintf(s.err, "lastmile rate: --best-value-pct %d: want 0 or more\n", *pct)
		return exitUsage
	}
	now := time.Now()
	if *nowFlag != "" {
		if now, err = time.Parse(time.RFC3339, *nowFlag); err != nil {
			fmt.Fprintf(s.err, "lastmile rate: --now %q: want an RFC 3339 time such as 2026-11-20T10:00:00Z\n", *nowFlag)
			return exitUsage
		}
	}

	var cards *rating.Cards
	if *cardsDir != "" {
		cards, err = rating.Load(os.DirFS(*cardsDir))
	} else {
		cards, err = rating.DefaultCards()
	}
	if err != nil {
		fmt.Fprintf(s.err, "lastmile rate: rate cards: %v\n", err)
		return exitUsage
	}

	qr, err := readQuoteRequest(s.in)
	if err != nil {
		fmt.Fprintf(s.err, "lastmile rate: reading the order on stdin: %v\n", err)
		return exitUsage
	}
	if err := ctx.Err(); err != nil {
		return fail(s, "rate", err)
	}
	resp, err := rating.QuoteOrder(cards, qr, config.DefaultMarkets(), rating.QuoteOptions{Policy: p, BestValuePct: *pct, Now: now})
	var ve *model.ValidationError
	switch {
	case errors.As(err, &ve):
		for _, pr := range ve.Problems {
			fmt.Fprintf(s.err, "lastmile rate: %s: %s\n", pr.Field, pr.Message)
		}
		return exitUsage
	case err != nil:
		return fail(s, "rate", err)
	}
	printJSON(s.out, resp)
	if resp.Selected == nil {
		fmt.Fprintln(s.err, "lastmile rate: no service is eligible for this order; each quote's reasons say why")
		return exitFail
	}
	return exitOK
}

// readQuoteRequest decodes exactly one JSON object, refusing unknown fields (a misspelt
// "package" or "options" would otherwise be silently ignored).
func readQuoteRequest(in io.Reader) (*rating.QuoteRequest, error) {
	raw, err := io.ReadAll(io.LimitReader(in, maxRateInput+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > maxRateInput {
		return nil, fmt.Errorf("more than %d bytes", maxRateInput)
	}
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, errors.New("stdin is empty; send one order JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var qr rating.QuoteRequest
	if err := dec.Decode(&qr); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON object; send exactly one order")
	}
	return &qr, nil
}
