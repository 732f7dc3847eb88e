// Package model holds the leaf types every other lastmile package shares: orders, lines,
// addresses, money, markets, shops and API keys; warehouses, stock balances and the ledger's
// movements (with the ledger arithmetic, Balance.Apply, that refuses to oversell); the
// allocation decisions the store keeps; and the sentinel errors. The store and the capabilities
// share types only through it. It imports nothing of lastmile's, does no I/O, and carries only
// the JSON tags of the public API contract.
package model
