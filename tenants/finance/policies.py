"""Who reads and writes the budget: staff read, principal and secretary manage."""

from tenants.common.policy import ManagedPolicy

budget_policy = ManagedPolicy()
spending_policy = ManagedPolicy()
