"""directory models (public schema)."""
