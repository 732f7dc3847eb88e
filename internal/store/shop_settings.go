package store

import (
	"context"
	"encoding/json"
	"fmt"

	"lastmile/internal/model"
)

// ShopSettings keeps each shop's own settings: its overrides of the market's figures and its
// shipping-mode history (R-MODE-3).
type ShopSettings interface {
	// GetShopSettings returns the shop's settings; a shop that never stored any has empty ones
	// (ShopID set, UpdatedAt zero). ErrNotFound when the shop does not exist.
	GetShopSettings(ctx context.Context, shopID string) (model.ShopSettings, error)
	// UpdateShopSettings reads the shop's settings, holds them exclusively (two updates of one
	// shop never interleave, on any node), calls fn on them and stores what fn leaves when it
	// reports a change. It returns the settings as stored. ErrNotFound when the shop does not
	// exist; an error from fn changes nothing.
	UpdateShopSettings(ctx context.Context, shopID string, fn func(*model.ShopSettings) (changed bool, err error)) (model.ShopSettings, error)
	// ListShopSettings returns the stored settings of those of shopIDs that have any, in one
	// read; a shop missing from the result has none (or does not exist).
	ListShopSettings(ctx context.Context, shopIDs []string) ([]model.ShopSettings, error)
}

// EncodeShopSettings returns the two JSON documents a driver stores for s: the overrides (an
// object) and the mode changes (an array).
func EncodeShopSettings(s *model.ShopSettings) (overrides, modes []byte, err error) {
	o := s.Overrides
	if o == nil {
		o = map[string]string{}
	}
	m := s.ModeChanges
	if m == nil {
		m = []model.ModeChange{}
	}
	if overrides, err = json.Marshal(o); err != nil {
		return nil, nil, fmt.Errorf("encode shop %s settings: %w", s.ShopID, err)
	}
	if modes, err = json.Marshal(m); err != nil {
		return nil, nil, fmt.Errorf("encode shop %s mode changes: %w", s.ShopID, err)
	}
	return overrides, modes, nil
}

// DecodeShopSettings fills s from the two documents EncodeShopSettings wrote; empty documents
// leave the fields empty.
func DecodeShopSettings(overrides, modes []byte, s *model.ShopSettings) error {
	s.Overrides, s.ModeChanges = nil, nil
	if len(overrides) > 0 {
		if err := json.Unmarshal(overrides, &s.Overrides); err != nil {
			return fmt.Errorf("decode shop %s settings: %w", s.ShopID, err)
		}
	}
	if len(modes) > 0 {
		if err := json.Unmarshal(modes, &s.ModeChanges); err != nil {
			return fmt.Errorf("decode shop %s mode changes: %w", s.ShopID, err)
		}
	}
	if len(s.Overrides) == 0 {
		s.Overrides = nil
	}
	if len(s.ModeChanges) == 0 {
		s.ModeChanges = nil
	}
	for i := range s.ModeChanges {
		s.ModeChanges[i].At = s.ModeChanges[i].At.UTC()
	}
	return nil
}
