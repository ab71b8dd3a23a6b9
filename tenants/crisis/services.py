"""Write use cases of crisis intervention.

`case_open` is the one way a case starts: from a screening safety flag, an observation, or a
counselor's report. It records the first step (identified: by whom, how), raises the student's
attention level to crisis, and alerts the counselors on duty.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shared.accounts.models import User
from tenants.care.access import CARE_TEAM
from tenants.care.audit import audit
from tenants.care.services import attention_set, raises_level, record_of
from tenants.crisis.models import CaseStep, CrisisCase, DutyAssignment
from tenants.workspace.services import notify


def counselors_on_duty(on_date=None):
    """Today's duty counselors; on a day nobody is assigned, the whole care team."""
    day = on_date or timezone.localdate()
    on_duty = User.objects.filter(
        is_active=True, pk__in=DutyAssignment.objects.filter(on_date=day).values("user")
    )
    if on_duty.exists():
        return list(on_duty.order_by("pk"))
    return [u for u in User.objects.filter(is_active=True).order_by("pk") if u.has_role(*CARE_TEAM)]


def alert_on_duty(case: CrisisCase) -> int:
    """In-app (and email, when configured) alert for each counselor on duty. The alert names no
    student: it links to the case, which only the care team can open."""
    sent = 0
    for person in counselors_on_duty():
        note = notify(
            recipient=person,
            title=_("New crisis case: risk level %(level)s") % {"level": case.get_level_display()},
            body=_("A crisis case was opened and needs a risk assessment. Open it to see the student."),
            link=reverse("crisis:case", args=[case.public_id]),
            dedupe_key=f"crisis:{case.public_id}:opened",
        )
        sent += note is not None
    return sent


@transaction.atomic
def case_open(*, student, level: str, identified_how: str, actor=None, screening=None, narrative: str = "") -> CrisisCase:
    case = CrisisCase.objects.create(
        student=student, level=level, identified_how=identified_how, identified_by=actor,
        screening=screening, narrative=narrative or "",
    )
    CaseStep.objects.create(case=case, step="identified", done_at=case.opened_at, done_by=actor, level=level)
    if raises_level(record_of(student).level, "crisis"):
        attention_set(student=student, level="crisis", actor=actor,
                      reason=_("Crisis case opened (%(how)s)") % {"how": case.get_identified_how_display()})
    audit(actor=actor, action="create", subject="crisis.case", student=student, obj=case)
    alert_on_duty(case)
    return case

