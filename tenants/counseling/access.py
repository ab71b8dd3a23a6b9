"""Who sees what of counseling (need to know, tenants.care.access).

- Sessions and medical referrals are clinical: the care team reads and writes them; everyone else
  (the principal too) finds nothing: 403 on lists, 404 on any one record.
- Plans (一生一策): the care team reads and writes all of them. A plan's owner (a counselor, or the
  homeroom teacher) reads their own plan, goals and supports included, and records its progress
  checks. The principal sees plan status only (the plan table, without goals or supports).
"""

from shared.policy import Policy
from tenants.care.access import CARE_TEAM, clinical_policy, reads_clinical, reads_status, visible_students

session_policy = clinical_policy
referral_policy = clinical_policy


class PlanPolicy(Policy):
    """Lists (and the API list) are for the care team; one plan is also visible to its owner."""

    read_roles = CARE_TEAM
    manage_roles = CARE_TEAM

    def visible(self, user, queryset):
        if not (user and user.is_authenticated):
            return queryset.none()
        if reads_clinical(user):
            return visible_students(user, queryset, student_field="student")
        return queryset.filter(owner=user)

    def can_record_review(self, user, plan) -> bool:
        return reads_clinical(user) or plan.owner_id == user.pk


plan_policy = PlanPolicy()


def reads_plan_status(user) -> bool:
    """The plan table (status, owner, next review, never goals): principal and care team."""
    return reads_status(user)
