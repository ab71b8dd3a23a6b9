"""Building blocks of the school workspace: who may do what, and generic write helpers."""
