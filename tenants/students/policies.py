"""Who reads and keeps the roster (issue 4, point 7; the rules are tenants.care.access).

- Roster managers (principal, secretary, psychology teachers, counselors) read every student and
  write the roster.
- Homeroom teachers read the students of their own classes only, and write nothing.
- Everyone else sees nothing: lists answer 403, objects 404.
"""

from shared.policy import Policy
from tenants.care.access import ROSTER_MANAGERS, ROSTER_READERS, visible_students


class StudentPolicy(Policy):
    read_roles = ROSTER_READERS
    manage_roles = ROSTER_MANAGERS

    def visible(self, user, queryset):
        if not self.can_read(user):
            return queryset.none()
        return visible_students(user, queryset)

    def can_delete(self, user, obj) -> bool:
        # Students are archived, never deleted; the API answers 400 to managers (see the API).
        return self.can_change(user, obj)


class ClassPolicy(Policy):
    """Classes (with their homeroom teachers and counts) are no one's personal data: every roster
    reader sees all of them; roster managers keep them."""

    read_roles = ROSTER_READERS
    manage_roles = ROSTER_MANAGERS


student_policy = StudentPolicy()
class_policy = ClassPolicy()
