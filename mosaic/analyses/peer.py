"""Peer disclosure and self-acknowledgment (placeholder while being written)."""
