"""library models (public schema)."""
