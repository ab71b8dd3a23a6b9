"""Read use cases of notices."""

from django.db.models import Count, Q
from django.http import Http404

from notices.models import Notice, NoticeAttachment, NoticeRecipient


def notices_for_district():
    """Every notice, with how many schools it went to, have read it and made a task of it."""
    return Notice.objects.annotate(
        addressed=Count("recipients"),
        read=Count("recipients", filter=Q(recipients__first_read_at__isnull=False)),
        tasks=Count("recipients", filter=Q(recipients__task_public_id__isnull=False)),
    ).order_by("-created_at", "-id")


def notice_get(public_id) -> Notice:
    try:
        return notices_for_district().get(public_id=public_id)
    except (Notice.DoesNotExist, ValueError):
        raise Http404


def receipts(notice: Notice):
    """Each addressed school of one notice, read or not."""
    return NoticeRecipient.objects.filter(notice=notice).select_related("school").order_by("school__code")


def notices_for_school(school):
    """The notices addressed to `school`, newest first, as its recipient rows."""
    if school is None:
        return NoticeRecipient.objects.none()
    return (
        NoticeRecipient.objects.filter(school=school)
        .select_related("notice")
        .order_by("-notice__created_at", "-notice_id")
    )


def notice_get_for_school(school, public_id) -> NoticeRecipient:
    """The school's recipient row of one notice: 404 for a notice not addressed to it, as for none."""
    try:
        return notices_for_school(school).get(notice__public_id=public_id)
    except (NoticeRecipient.DoesNotExist, ValueError):
        raise Http404


def attachment_get_for(*, school, public_id, district_reader: bool) -> NoticeAttachment:
    """An attachment for the district's readers, or for an account of a school the notice went to."""
    queryset = NoticeAttachment.objects.select_related("notice")
    if not district_reader:
        if school is None:
            raise Http404
        queryset = queryset.filter(notice__recipients__school=school)
    try:
        return queryset.get(public_id=public_id)
    except (NoticeAttachment.DoesNotExist, ValueError):
        raise Http404


def home_card(school, *, limit: int = 5) -> dict:
    """The leadership group's card on the school's home page: unread notices, and the latest."""
    rows = notices_for_school(school)
    return {
        "unread": rows.filter(first_read_at__isnull=True).count(),
        "latest": list(rows[:limit]),
    }
