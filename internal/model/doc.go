// Package model holds the leaf types every other lastmile package shares: orders, lines,
// addresses, money, markets, shops and API keys, and the sentinel errors. It imports nothing of
// lastmile's, does no I/O, and carries only the JSON tags of the public API contract.
package model
