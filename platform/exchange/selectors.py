"""Exchange read use cases: what a reader may see, and the district's review queue.

A reader is described by `Reader` (the account and its school; school None is the district). Who
sees what:
- everyone signed in (district roles, school staff): published posts that are not hidden, and their
  replies that are not hidden;
- the author: their own case study at every status (awaiting review, returned);
- district moderators (admin, reviewer): everything, with the author's username and school.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from exchange.models import DistrictNote, Event, Post, PostKind, PostReport, Reply, ReportStatus, ReviewStatus
from shared.accounts.roles import DistrictRole, SchoolRole, role_labels

MODERATOR_ROLES = (DistrictRole.DISTRICT_ADMIN, DistrictRole.DISTRICT_REVIEWER)


@dataclass(frozen=True)
class Reader:
    user: object
    school: object | None  # None: the district

    @property
    def username(self) -> str:
        return self.user.username

    @property
    def is_district(self) -> bool:
        return self.school is None

    @property
    def is_moderator(self) -> bool:
        return self.is_district and self.user.has_role(*MODERATOR_ROLES)


def author_label(obj, *, reader: Reader | None = None) -> str:
    """How an author is shown: "school · role", or "匿名". District moderators also see the username
    and school of anonymous authors."""
    if obj.school_id is None:
        where = settings.DISTRICT_NAME
        labels = dict(DistrictRole.choices)
        role = "、".join(str(labels.get(r, r)) for r in obj.author_roles)
    else:
        where = obj.school.name
        role = role_labels([r for r in obj.author_roles if r in SchoolRole.values])
    shown = f"{where} · {role}" if role else where
    if reader is not None and reader.is_moderator:
        if obj.anonymous:
            return f"{_('Anonymous')}（{obj.author_username} · {where}）"
        return f"{shown}（{obj.author_username}）"
    if obj.anonymous:
        return str(_("Anonymous"))
    return shown


def _own(reader: Reader) -> Q:
    return (
        Q(school=reader.school, author_username=reader.username)
        if reader.school
        else Q(school__isnull=True, author_username=reader.username)
    )


def posts_visible(*, reader: Reader):
    """Every post this reader may open, newest activity first, with the reply count."""
    qs = Post.objects.select_related("school")
    if not reader.is_moderator:
        qs = qs.filter((Q(status=ReviewStatus.PUBLISHED) & Q(hidden=False)) | _own(reader))
    visible_replies = Q() if reader.is_moderator else Q(replies__hidden=False)
    return qs.annotate(reply_count=Count("replies", filter=visible_replies, distinct=True)).order_by(
        "-last_activity_at", "-id"
    )


def posts_list(*, reader: Reader, q: str = "", kind: str = "", mine: bool = False, status: str = ""):
    """The threads list. Search is a case-insensitive substring match (icontains) on title and text:
    Chinese text has no word boundaries, and the exchange is small enough for a scan."""
    qs = posts_visible(reader=reader)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(body__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if mine:
        qs = qs.filter(_own(reader))
    if status:
        qs = qs.filter(status=status)
    return qs


def post_get_for(*, reader: Reader, public_id) -> Post:
    """The post, or Post.DoesNotExist for missing and not-visible alike."""
    return posts_visible(reader=reader).get(public_id=public_id)


def replies_for(*, post: Post, reader: Reader):
    qs = post.replies.select_related("school")
    if not reader.is_moderator:
        qs = qs.filter(hidden=False)
    return qs


def reports_open():
    return PostReport.objects.filter(status=ReportStatus.OPEN).select_related("post", "reply", "school")


def case_studies_pending():
    return Post.objects.filter(kind=PostKind.CASE_STUDY, status=ReviewStatus.PENDING).select_related("school")


def review_queue() -> list[dict]:
    """What waits for the district in the exchange: case studies awaiting review and reported posts
    (open reports), oldest first. Each item: kind ("case_study" or "report"), title, school (the
    school's name, or the district's), submitted_at, url (a path on the district host)."""
    items = []
    for post in case_studies_pending():
        items.append(
            {
                "kind": "case_study",
                "title": post.title,
                "school": post.school.name if post.school_id else settings.DISTRICT_NAME,
                "submitted_at": post.submitted_at or post.created_at,
                "url": f"/exchange/p/{post.public_id}/",
            }
        )
    for report in reports_open():
        post = report.post
        items.append(
            {
                "kind": "report",
                "title": post.title,
                "school": post.school.name if post.school_id else settings.DISTRICT_NAME,
                "submitted_at": report.created_at,
                "url": f"/exchange/review/#report-{report.public_id}",
            }
        )
    items.sort(key=lambda item: item["submitted_at"])
    return items


def events_list(*, upcoming_only: bool = False, kind: str = ""):
    from django.utils import timezone

    qs = (
        Event.objects.select_related("school")
        .annotate(signup_count=Count("signups"))
        .order_by("starts_at", "id")
    )
    if upcoming_only:
        qs = qs.filter(starts_at__gte=timezone.now() - timezone.timedelta(hours=12))
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def event_signups(*, event: Event, reader: Reader):
    """Sign-ups of an event as this reader sees them: the organiser and the district see every
    school's; a school sees its own."""
    qs = event.signups.select_related("school")
    if reader.is_district or event_is_organiser(event=event, reader=reader):
        return qs
    return qs.filter(school=reader.school)


def event_is_organiser(*, event: Event, reader: Reader) -> bool:
    """Who records attendance: for a district event, the district admin and reviewer and the
    account that created it; for a school's event, that school's account that created it and the
    school's principal and secretary."""
    if event.school_id is None:
        return reader.is_district and (reader.is_moderator or reader.username == event.organiser_username)
    if reader.school is None or reader.school.pk != event.school_id:
        return False
    return reader.username == event.organiser_username or reader.user.has_role(
        SchoolRole.PRINCIPAL, SchoolRole.SECRETARY
    )


def district_notes(*, username: str, limit: int = 10):
    return DistrictNote.objects.filter(recipient_username=username)[:limit]


__all__ = [
    "MODERATOR_ROLES",
    "Reader",
    "Reply",
    "author_label",
    "case_studies_pending",
    "district_notes",
    "event_is_organiser",
    "event_signups",
    "events_list",
    "post_get_for",
    "posts_list",
    "posts_visible",
    "replies_for",
    "reports_open",
    "review_queue",
]
