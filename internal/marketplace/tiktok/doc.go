// Package tiktok is lastmile's client of the TikTok Shop Partner API (version 202309): the way
// orders reach lastmile from the platform and tracking numbers go back (R-API-1, R-API-3). It
// is an adapter: it speaks HTTP and JSON, and maps the platform's order onto model.Order
// (ToOrder); it stores nothing.
//
// # Using it
//
// New makes the Client of one app (app key and secret; Config.APIBase points it at the
// simulator in tests and the demo). A seller connects by authorising the app, which gives an
// authorisation code: GetToken exchanges it for a Token, whose *_expire_in fields are absolute
// Unix times. Client.Tokens wraps the Token in a TokenSource that refreshes it ahead of expiry
// and when the platform answers 105002, handing each new Token to a callback to store first
// (R-API-2). AuthorizedShops lists the seller's shops with the ciphers that Client.Shop needs;
// a ShopClient then searches and fetches orders, ships packages (one, or many with per-package
// errors), replaces tracking numbers, fetches platform labels, answers cancellation and
// return requests and subscribes webhooks. Call sends any other request, signed.
//
// # Requests
//
// Every API request carries app_key, timestamp and sign (Sign: HMAC-SHA256 of the path, the
// sorted query parameters and the body, wrapped in the app secret), the access token in the
// x-tts-access-token header and, when shop-scoped, shop_cipher. The platform's limits are
// checked before sending: at most 50 order ids a call, page sizes 1 to 100 for orders and 1 to
// 50 for packages, cancellations and returns, and tracking numbers the platform would drop
// silently (R-SHIP-4).
//
// # Errors
//
// Every failure is an *Error (or the caller's context error) with a Kind: Retry (36009003,
// HTTP 5xx, no answer), RateLimited (36009002, HTTP 429, with Retry-After), Reauth (105002
// expired token, 36009004 invalid credentials or clock) or Refuse (106001 bad sign, 105005
// scope, 36009033 IP, 106013 cipher, a bad parameter, any other code), with the platform's
// code, message and request_id. The client retries rate-limited calls, and reads (and writes
// with an idempotency key) that failed with Retry, with backoff, up to Config.MaxAttempts;
// a ship that failed with Retry is returned, for the caller's job to retry.
//
// # Webhooks
//
// VerifyWebhook checks a webhook's Authorization header (HMAC-SHA256 of app key + body,
// compared in constant time); ParseWebhook reads its envelope and DecodeData its data. Types
// are sparse and grow: acknowledge and log the unknown ones. Type 1 spells CANCELLED as
// CANCEL (MapStatus reads both).
package tiktok
