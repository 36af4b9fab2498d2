"""The original library's (otobo-znuny 1.4) wire models and mapper functions, built on this package's
mapping layer so that they produce exactly what the client sends. See docs/compatibility.md."""
