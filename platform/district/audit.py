"""The district's audit log: every district action is recorded once, here (append-only).

Call `record(actor, action, ...)` from the service that performs the action, inside its
transaction, so an action that rolls back leaves no event. `action` is a short code such as
"school.suspend" or "library.approve"; `summary` is a line for people, built from district records
(school names, titles written for sharing), never from a student's data.
"""

from district.models import DistrictAuditEvent


def record(actor, action: str, *, school=None, target: str = "", summary: str = "") -> DistrictAuditEvent:
    username = getattr(actor, "username", actor) or ""
    return DistrictAuditEvent.objects.create(
        actor=str(username)[:150],
        action=action[:60],
        school=school,
        target=target[:200],
        summary=summary[:300],
    )
