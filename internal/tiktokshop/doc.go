// Package tiktokshop is lastmile's TikTok Shop integration (R-API-1, R-API-2, R-API-3): shops
// connected through one app (an authorisation code exchanged for the seller's tokens, sealed at
// rest), orders in by webhook and by a periodic pull on update_time windows, tokens refreshed
// ahead of expiry, and the seller's shipments pushed back. It drives the API client
// internal/marketplace/tiktok and stores through internal/store; its background work runs as
// jobs (Jobs) on the worker.
//
// Files: connection_seal.go (AES-GCM of the tokens), connection_service.go (connect, list,
// tokens), webhook_service.go (POST /webhooks/tiktok), webhook_subscribe.go (the shops'
// subscriptions at tiktok_webhook_url), sync_service.go (the pull and the order fetch),
// push_service.go and push_batch.go (tracking numbers back to the platform, many in one
// packages/ship call), provider_match.go (carrier → the platform's shipping provider).
package tiktokshop
