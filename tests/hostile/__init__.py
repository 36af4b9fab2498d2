"""Hostile input and secrets: property tests over every parser, size limits, secret hygiene, TLS."""
