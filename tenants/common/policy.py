"""Access policies for workspace resources (the base class lives in shared.policy)."""

from shared.policy import Policy


class ManagedPolicy(Policy):
    """Staff read; principal and secretary write. The default for most of the workspace."""


__all__ = ["ManagedPolicy", "Policy"]
