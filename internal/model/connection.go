package model

import "time"

// Connection statuses (R-API-2): a connected shop syncs; one whose authorisation the seller
// revoked (webhook type 6) is disconnected; one whose tokens no longer work (the refresh token
// expired or was refused) needs the seller to authorise the app again.
const (
	ConnectionConnected    = "connected"
	ConnectionDisconnected = "disconnected"
	ConnectionNeedsReauth  = "needs_reauth"
)

// PlatformTikTok names the TikTok Shop marketplace in a Connection.
const PlatformTikTok = "tiktok"

// Connection is one marketplace shop connected to one lastmile shop: the platform's shop id and
// cipher, the seller's tokens (sealed: encrypted with the configured key, never readable from
// the store alone), their expiry times, the pull sync's cursor and the connection's status. An
// operator connects many shops, each a Connection.
type Connection struct {
	ID     string `json:"id"`
	ShopID string `json:"shop_id"` // lastmile's shop
	// Platform is the marketplace (PlatformTikTok).
	Platform string `json:"platform"`
	AppKey   string `json:"app_key"`
	// ExternalShopID is the platform's shop id; unique per platform.
	ExternalShopID string `json:"external_shop_id"`
	ShopCipher     string `json:"shop_cipher"`
	ShopName       string `json:"shop_name,omitempty"`
	Region         string `json:"region,omitempty"`
	OpenID         string `json:"open_id,omitempty"`
	SellerName     string `json:"seller_name,omitempty"`
	// SealedTokens is the seller's tokens, encrypted (AES-GCM) under the configured key. It is
	// never written to JSON.
	SealedTokens []byte `json:"-"`
	// AccessExpiresAt and RefreshExpiresAt are when the tokens stop working; AuthExpiresAt is
	// when the seller's authorisation ends, as the platform warned (webhook type 7), if it did.
	AccessExpiresAt  time.Time  `json:"access_expires_at"`
	RefreshExpiresAt time.Time  `json:"refresh_expires_at"`
	AuthExpiresAt    *time.Time `json:"auth_expires_at,omitempty"`
	// Status is ConnectionConnected, ConnectionDisconnected or ConnectionNeedsReauth;
	// StatusReason says why when it is not connected, and what to do.
	Status       string `json:"status"`
	StatusReason string `json:"status_reason,omitempty"`
	// SyncCursor is the update_time up to which the pull sync has read every order (it reads
	// again from a little before it, so no order is missed). Zero: never synced.
	SyncCursor    time.Time  `json:"sync_cursor"`
	LastSyncAt    *time.Time `json:"last_sync_at,omitempty"`
	LastSyncError string     `json:"last_sync_error,omitempty"`
	// SyncStartedAt is when the pull now running started; nil when none is running (the pull
	// clears it when it ends, and a pull that died with its node is run again and ends).
	SyncStartedAt *time.Time `json:"sync_started_at,omitempty"`
	// OrdersSynced counts the orders the pull sync and the webhooks stored or updated.
	OrdersSynced int64 `json:"orders_synced"`
	// WebhookAddress is the address the platform sends the shop's webhooks to, as lastmile
	// subscribed it (WebhookEvents are the event types), "" while none is; WebhookWarning says
	// why the shop gets no webhooks and what to do (no public URL configured, or the
	// subscription failed): its orders then arrive by the pull alone.
	WebhookAddress string    `json:"webhook_address,omitempty"`
	WebhookEvents  []string  `json:"webhook_events,omitempty"`
	WebhookWarning string    `json:"webhook_warning,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}
