"""Who sees and changes the governance area: staff read, the principal and the secretary manage,
and only the principal approves work plans."""

from shared.accounts.roles import SchoolRole
from tenants.common.policy import ManagedPolicy


class PlanPolicy(ManagedPolicy):
    def can_approve(self, user, plan=None) -> bool:
        return user.is_authenticated and user.has_role(SchoolRole.PRINCIPAL)


group_policy = ManagedPolicy()
plan_policy = PlanPolicy()
rule_policy = ManagedPolicy()
report_policy = ManagedPolicy()
