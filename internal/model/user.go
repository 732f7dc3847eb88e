package model

import "time"

// Role is what a person may do in one shop of the console.
type Role string

// The roles, from most to least: an owner also manages the shop's users and settings; an
// operator confirms, fixes, ships and receives; a viewer only looks.
const (
	RoleOwner    Role = "owner"
	RoleOperator Role = "operator"
	RoleViewer   Role = "viewer"
)

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool { return r == RoleOwner || r == RoleOperator || r == RoleViewer }

// CanOperate reports whether r may change orders, stock and shipments (owner and operator).
func (r Role) CanOperate() bool { return r == RoleOwner || r == RoleOperator }

// User is a person who logs in to the console.
type User struct {
	ID    string
	Email string // lower case
	// PasswordHash is the argon2id hash in PHC form; never the password.
	PasswordHash string
	// Lang is the person's language preference, "" for the browser's.
	Lang      string
	CreatedAt time.Time
	// Roles is the person's role per shop id.
	Roles map[string]Role
}

// Session is one logged-in browser. The cookie holds a random token; the store keeps only its
// SHA-256 (TokenHash).
type Session struct {
	TokenHash string
	UserID    string
	// CSRF is the token every form of the session carries.
	CSRF string
	// Lang is the language chosen in this session with ?lang=, "" when none was.
	Lang      string
	CreatedAt time.Time
	ExpiresAt time.Time
}
