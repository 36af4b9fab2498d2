"""Bulk speed and resilience: batched fetches, search walks, retries, faults, memory, concurrency."""
