-- +goose Up
-- The seller console's people (issue 14): users log in with email and password (argon2id hash,
-- never the password), hold a role per shop (an operator may span several shops), and keep
-- sessions, stored by the SHA-256 of their cookie token so that a copy of the database cannot
-- be used to log in. lang is a preference ('' = the browser's).
CREATE TABLE users (
    id            text PRIMARY KEY,
    email         text NOT NULL UNIQUE, -- lower case
    password_hash text NOT NULL,
    lang          text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL
);
CREATE TABLE user_shops (
    user_id text NOT NULL REFERENCES users (id),
    shop_id text NOT NULL REFERENCES shops (id),
    role    text NOT NULL, -- owner, operator, viewer
    PRIMARY KEY (user_id, shop_id)
);
CREATE INDEX user_shops_shop ON user_shops (shop_id);
CREATE TABLE sessions (
    token_hash text PRIMARY KEY,
    user_id    text NOT NULL REFERENCES users (id),
    csrf       text NOT NULL,
    lang       text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- +goose Down
DROP TABLE sessions;
DROP TABLE user_shops;
DROP TABLE users;
