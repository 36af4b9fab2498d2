"""One spec per operation: a pure request builder and a pure reply parser (shared by sync and async)."""
