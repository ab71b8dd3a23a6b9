"""Reporting models (public schema)."""
