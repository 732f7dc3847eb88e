package tiktokshop

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"

	"lastmile/internal/marketplace/tiktok"
)

// Sealer encrypts a seller's tokens for the store with AES-256-GCM under a key derived from the
// configured tiktok_token_key, binding each sealed value to its connection (the platform shop
// id is the additional data), so a sealed value copied onto another connection does not open.
type Sealer struct {
	aead cipher.AEAD
}

// sealVersion prefixes every sealed value, so that a later scheme can be told apart.
const sealVersion = 1

// NewSealer returns the Sealer of key (at least 16 characters).
func NewSealer(key string) (*Sealer, error) {
	if len(key) < 16 {
		return nil, errors.New("tiktok_token_key: at least 16 characters are required (LASTMILE_TIKTOK_TOKEN_KEY)")
	}
	k := sha256.Sum256([]byte("lastmile tiktok token key v1\x00" + key))
	block, err := aes.NewCipher(k[:])
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// Seal encrypts tok for the connection of the platform's shop externalShopID.
func (s *Sealer) Seal(externalShopID string, tok tiktok.Token) ([]byte, error) {
	plain, err := json.Marshal(tok)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 1+s.aead.NonceSize(), 1+s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	out[0] = sealVersion
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, fmt.Errorf("seal tokens: %w", err)
	}
	return s.aead.Seal(out, out[1:], plain, []byte(externalShopID)), nil
}

// Open decrypts what Seal made for the same shop. A different key, shop or altered bytes fail.
func (s *Sealer) Open(externalShopID string, sealed []byte) (tiktok.Token, error) {
	n := s.aead.NonceSize()
	if len(sealed) < 1+n || sealed[0] != sealVersion {
		return tiktok.Token{}, errors.New("open tokens: not sealed by this version of lastmile")
	}
	plain, err := s.aead.Open(nil, sealed[1:1+n], sealed[1+n:], []byte(externalShopID))
	if err != nil {
		return tiktok.Token{}, errors.New("open tokens: they do not open with tiktok_token_key (was the key changed? connect the shop again)")
	}
	var tok tiktok.Token
	if err := json.Unmarshal(plain, &tok); err != nil {
		return tiktok.Token{}, fmt.Errorf("open tokens: %w", err)
	}
	return tok, nil
}
