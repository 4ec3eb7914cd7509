"""The central archive server: FastAPI over the core's schema (docs/archive.md)."""
