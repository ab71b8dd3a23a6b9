"""exchange models (public schema)."""
