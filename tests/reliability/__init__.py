"""Idempotent writes: lost replies resolved by idempotency keys, on the emulator's fault injection."""
