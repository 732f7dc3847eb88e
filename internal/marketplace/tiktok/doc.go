// Package tiktok is lastmile's client of the TikTok Shop Partner API (version 202309).
package tiktok
