"""notices models (public schema)."""
