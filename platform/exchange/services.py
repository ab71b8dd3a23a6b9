"""Exchange write use cases: posts, replies, case-study review, moderation, reports, events,
sign-ups, attendance and reminders.

Every text written for other schools passes the personal-data check first, inside the author's
school schema (that school's student names and numbers, phone numbers, ID numbers); district
authors get the phone and ID checks only (the public schema has no students). A refusal is a
ValidationError keyed by field that says what was found and where, never the matched text.

District actions (review, hide, lock, handling a report, recording a district event's attendance)
are written to district.audit inside the same transaction. Notifications go after commit and carry
a title and a link only, never a post's text.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from district import audit
from exchange.models import (
    DistrictNote,
    Event,
    Post,
    PostKind,
    PostReport,
    Reply,
    ReportStatus,
    ReviewStatus,
    SignUp,
)
from exchange.selectors import MODERATOR_ROLES, Reader, event_is_organiser
from notices.webhooks import announce
from outbox.services import outbox_send
from shared.accounts.roles import STAFF_ROLES

TITLE_MAX = 120


def _schema_of(school) -> str:
    return school.schema_name if school is not None else "public"


def check_text(fields: dict, *, school) -> None:
    """Raise a field-level ValidationError when any field holds personal data. `fields`:
    {name: (label, text)}. Runs inside the author's school schema (the public schema for the
    district: phone and ID numbers only)."""
    from tenants.students.text_check import raise_if_personal_data

    with schema_context(_schema_of(school)):
        raise_if_personal_data(fields)


def _required(value: str, field: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _author_fields(reader: Reader) -> dict:
    return {
        "school": reader.school,
        "author_username": reader.username,
        "author_roles": list(reader.user.roles),
    }


def _require_moderator(actor) -> None:
    if not (actor and actor.is_authenticated and actor.has_role(*MODERATOR_ROLES)):
        raise PermissionDenied


def _school_link(name: str, public_id) -> str:
    return reverse(name, args=[public_id], urlconf="config.urls_school")


def _district_link(name: str, public_id) -> str:
    return reverse(name, args=[public_id], urlconf=settings.PUBLIC_SCHEMA_URLCONF)


def _tell_author(obj, *, title: str, view: str, public_id, dedupe_key: str = "") -> None:
    """After commit: a notification for the author of `obj` (a post) with a title and a link. A
    school author gets it in their school's schema; a district author in the district's list."""
    school, username = obj.school, obj.author_username

    def send():
        if school is None:
            DistrictNote.objects.create(
                recipient_username=username, title=title[:200], link=_district_link(view, public_id)
            )
            return
        from shared.accounts.models import User
        from tenants.workspace.services import notify

        with schema_context(school.schema_name):
            recipient = User.objects.filter(username=username, is_active=True).first()
            if recipient is not None:
                notify(
                    recipient=recipient,
                    title=title[:200],
                    link=_school_link(view, public_id),
                    dedupe_key=dedupe_key[:120],
                )

    transaction.on_commit(send)


# --- Posts ---------------------------------------------------------------------------------------


def _clean_post(*, kind: str, title: str, body: str, school) -> tuple[str, str]:
    errors = {}
    title = (title or "").strip()
    body = (body or "").strip()
    if not title:
        errors["title"] = [_("Give the post a title.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("Keep the title to %(n)d characters.") % {"n": TITLE_MAX}]
    if not body:
        errors["body"] = [_("Write the text of the post.")]
    if kind not in PostKind.values:
        errors["kind"] = [_("Not one of the choices.")]
    if errors:
        raise ValidationError(errors)
    check_text({"title": (_("Title"), title), "body": (_("Text"), body)}, school=school)
    return title, body


@transaction.atomic
def post_create(*, reader: Reader, kind: str, title: str, body: str, anonymous: bool = False) -> Post:
    """Publish a post (sharing, question) at once; a case study waits for the district's review and
    only its author and the district see it until it is approved."""
    title, body = _clean_post(kind=kind, title=title, body=body, school=reader.school)
    now = timezone.now()
    case_study = kind == PostKind.CASE_STUDY
    return Post.objects.create(
        kind=kind,
        title=title,
        body=body,
        anonymous=bool(anonymous),
        status=ReviewStatus.PENDING if case_study else ReviewStatus.PUBLISHED,
        submitted_at=now if case_study else None,
        last_activity_at=now,
        **_author_fields(reader),
    )


@transaction.atomic
def case_study_resubmit(post: Post, *, reader: Reader, title: str, body: str, anonymous: bool) -> Post:
    """The author corrects a returned case study and sends it for review again."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    if not post.written_by(school=reader.school, username=reader.username):
        raise PermissionDenied
    if post.kind != PostKind.CASE_STUDY or post.status != ReviewStatus.RETURNED:
        raise ValidationError(_("Only a returned case study can be sent again."), code="state")
    post.title, post.body = _clean_post(kind=post.kind, title=title, body=body, school=reader.school)
    post.anonymous = bool(anonymous)
    post.status = ReviewStatus.PENDING
    post.submitted_at = post.last_activity_at = timezone.now()
    post.save(update_fields=["title", "body", "anonymous", "status", "submitted_at", "last_activity_at"])
    return post


def _locked_post(post: Post) -> Post:
    return Post.objects.select_for_update(of=("self",)).select_related("school").get(pk=post.pk)


@transaction.atomic
def case_study_approve(post: Post, *, actor) -> Post:
    _require_moderator(actor)
    post = _locked_post(post)
    if post.kind != PostKind.CASE_STUDY or post.status != ReviewStatus.PENDING:
        raise ValidationError(_("Only a case study awaiting review can be approved."), code="state")
    now = timezone.now()
    post.status = ReviewStatus.PUBLISHED
    post.reviewed_by = actor.username
    post.reviewed_at = post.last_activity_at = now
    post.returned_reason = ""
    post.save(update_fields=["status", "reviewed_by", "reviewed_at", "last_activity_at", "returned_reason"])
    audit.record(
        actor, "exchange.case_approve", school=post.school, target=str(post.public_id), summary=post.title
    )
    outcome = _("Your case study “%(title)s” was approved and published") % {"title": post.title}
    _tell_author(post, title=outcome, view="exchange:post", public_id=post.public_id)
    announce(outcome, school=post.school)
    return post


@transaction.atomic
def case_study_return(post: Post, *, actor, reason: str) -> Post:
    _require_moderator(actor)
    reason = _required(reason, "reason", _("Say why the case study is returned."))
    check_text({"reason": (_("Reason"), reason)}, school=None)
    post = _locked_post(post)
    if post.kind != PostKind.CASE_STUDY or post.status != ReviewStatus.PENDING:
        raise ValidationError(_("Only a case study awaiting review can be returned."), code="state")
    post.status = ReviewStatus.RETURNED
    post.reviewed_by = actor.username
    post.reviewed_at = timezone.now()
    post.returned_reason = reason
    post.save(update_fields=["status", "reviewed_by", "reviewed_at", "returned_reason"])
    audit.record(
        actor, "exchange.case_return", school=post.school, target=str(post.public_id), summary=post.title
    )
    outcome = _("Your case study “%(title)s” was returned; read the reason on its page") % {
        "title": post.title
    }
    _tell_author(post, title=outcome, view="exchange:post", public_id=post.public_id)
    announce(outcome, school=post.school)
    return post


# --- Replies -------------------------------------------------------------------------------------


@transaction.atomic
def reply_create(post: Post, *, reader: Reader, body: str, anonymous: bool = False) -> Reply:
    """Reply to a published thread that is neither hidden nor locked. The post's author is told
    (title and link only) unless they reply to themselves."""
    body = _required(body, "body", _("Write your reply."))
    check_text({"body": (_("Reply"), body)}, school=reader.school)
    post = _locked_post(post)
    if not post.is_published or post.hidden:
        raise ValidationError(_("This thread is not open for replies."), code="state")
    if post.locked:
        raise ValidationError(_("The district locked this thread: no more replies."), code="locked")
    reply = Reply.objects.create(post=post, body=body, anonymous=bool(anonymous), **_author_fields(reader))
    post.last_activity_at = reply.created_at
    post.save(update_fields=["last_activity_at"])
    if not post.written_by(school=reader.school, username=reader.username):
        _tell_author(
            post,
            title=_("Someone replied to your post “%(title)s”") % {"title": post.title},
            view="exchange:post",
            public_id=post.public_id,
        )
    return reply


# --- Moderation ----------------------------------------------------------------------------------


def _set_hidden(obj, *, actor, hidden: bool) -> None:
    obj.hidden = hidden
    obj.hidden_by = actor.username if hidden else ""
    obj.hidden_at = timezone.now() if hidden else None
    obj.save(update_fields=["hidden", "hidden_by", "hidden_at"])


@transaction.atomic
def post_hide(post: Post, *, actor, hidden: bool = True) -> Post:
    _require_moderator(actor)
    post = _locked_post(post)
    if post.hidden != hidden:
        _set_hidden(post, actor=actor, hidden=hidden)
        audit.record(
            actor,
            "exchange.post_hide" if hidden else "exchange.post_unhide",
            school=post.school,
            target=str(post.public_id),
            summary=post.title,
        )
    return post


@transaction.atomic
def reply_hide(reply: Reply, *, actor, hidden: bool = True) -> Reply:
    _require_moderator(actor)
    reply = Reply.objects.select_for_update(of=("self",)).select_related("post", "school").get(pk=reply.pk)
    if reply.hidden != hidden:
        _set_hidden(reply, actor=actor, hidden=hidden)
        audit.record(
            actor,
            "exchange.reply_hide" if hidden else "exchange.reply_unhide",
            school=reply.school,
            target=str(reply.public_id),
            summary=reply.post.title,
        )
    return reply


@transaction.atomic
def post_lock(post: Post, *, actor, locked: bool = True) -> Post:
    _require_moderator(actor)
    post = _locked_post(post)
    if post.locked != locked:
        post.locked = locked
        post.save(update_fields=["locked"])
        audit.record(
            actor,
            "exchange.lock" if locked else "exchange.unlock",
            school=post.school,
            target=str(post.public_id),
            summary=post.title,
        )
    return post


@transaction.atomic
def report_create(post: Post, *, reader: Reader, reason: str, reply: Reply | None = None) -> PostReport:
    """Any signed-in reader reports a post (or one of its replies) with a reason, for the district."""
    reason = _required(reason, "reason", _("Say what is wrong with it."))
    check_text({"reason": (_("Reason"), reason)}, school=reader.school)
    if reply is not None and reply.post_id != post.pk:
        raise ValidationError({"reply": _("Not one of the choices.")})
    return PostReport.objects.create(
        post=post, reply=reply, reason=reason, school=reader.school, reporter_username=reader.username
    )


@transaction.atomic
def report_handle(report: PostReport, *, actor, hide: bool) -> PostReport:
    """Dismiss a report, or hide what it reports (the post, or the reply). Other open reports of the
    same post or reply are closed with it."""
    _require_moderator(actor)
    report = (
        PostReport.objects.select_for_update(of=("self",)).select_related("post", "reply").get(pk=report.pk)
    )
    if report.status != ReportStatus.OPEN:
        raise ValidationError(_("This report was already handled."), code="state")
    target = report.reply or report.post
    if hide:
        if report.reply is not None:
            reply_hide(report.reply, actor=actor)
        else:
            post_hide(report.post, actor=actor)
    status = ReportStatus.HIDDEN if hide else ReportStatus.DISMISSED
    now = timezone.now()
    same = PostReport.objects.filter(post=report.post, reply=report.reply, status=ReportStatus.OPEN)
    same.update(status=status, handled_by=actor.username, handled_at=now)
    audit.record(
        actor,
        "exchange.report_hide" if hide else "exchange.report_dismiss",
        school=report.post.school,
        target=str(target.public_id),
        summary=report.post.title,
    )
    report.refresh_from_db()
    return report


# --- Events --------------------------------------------------------------------------------------


@transaction.atomic
def event_create(
    *,
    reader: Reader,
    kind: str,
    title: str,
    starts_at,
    description: str = "",
    place: str = "",
    ends_at=None,
    capacity: int | None = None,
    remind: bool = True,
) -> Event:
    title = _required(title, "title", _("Give the event a title."))
    if ends_at is not None and ends_at < starts_at:
        raise ValidationError({"ends_at": _("The event cannot end before it starts.")})
    check_text(
        {
            "title": (_("Title"), title),
            "description": (_("Description"), description or ""),
            "place": (_("Place"), place or ""),
        },
        school=reader.school,
    )
    event = Event(
        kind=kind,
        title=title,
        description=(description or "").strip(),
        place=(place or "").strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        remind=bool(remind),
        school=reader.school,
        organiser_username=reader.username,
    )
    event.full_clean(exclude=["school"])
    event.save()
    if reader.school is None:
        audit.record(reader.user, "exchange.event_create", target=str(event.public_id), summary=title)
    return event


def staff_choices(school) -> list[tuple[str, str]]:
    """The school's active staff accounts (username, display name): who may be signed up."""
    from shared.accounts.models import User

    with schema_context(school.schema_name):
        users = User.objects.filter(is_active=True, roles__overlap=list(STAFF_ROLES)).order_by(
            "full_name", "username"
        )
        return [(u.username, u.display_name) for u in users]


@transaction.atomic
def signup_add(event: Event, *, reader: Reader, username: str) -> SignUp:
    """A school signs up one of its staff (a school account, by name: never a student)."""
    if reader.school is None:
        raise PermissionDenied
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.starts_at <= timezone.now():
        raise ValidationError(_("The event has started: sign-ups are closed."), code="state")
    names = dict(staff_choices(reader.school))
    if username not in names:
        raise ValidationError({"username": _("Pick a staff member of your school.")})
    if SignUp.objects.filter(event=event, school=reader.school, username=username).exists():
        raise ValidationError({"username": _("This person is already signed up.")})
    if event.capacity is not None and event.signups.count() >= event.capacity:
        raise ValidationError(_("The event is full."), code="full")
    return SignUp.objects.create(
        event=event,
        school=reader.school,
        username=username,
        display_name=names[username][:50],
        signed_up_by=reader.username,
    )


@transaction.atomic
def signup_remove(signup: SignUp, *, reader: Reader) -> None:
    if reader.school is None or signup.school_id != reader.school.pk:
        raise PermissionDenied
    if signup.attended is not None:
        raise ValidationError(_("Attendance was recorded: the sign-up stays."), code="state")
    signup.delete()


@transaction.atomic
def attendance_record(event: Event, *, reader: Reader, attended: dict) -> int:
    """The organiser records who came: `attended` maps a sign-up's public id (str) to True/False.
    Returns how many sign-ups were recorded."""
    if not event_is_organiser(event=event, reader=reader):
        raise PermissionDenied
    count = 0
    for signup in event.signups.select_for_update():
        value = attended.get(str(signup.public_id))
        if value is None:
            continue
        signup.attended = bool(value)
        signup.save(update_fields=["attended"])
        count += 1
    if event.school_id is None:
        audit.record(
            reader.user,
            "exchange.attendance",
            target=str(event.public_id),
            summary=f"{event.title} ({count})",
        )
    return count


def event_reminders_send(*, now=None) -> int:
    """The day before an event (Asia/Shanghai dates): one task per school with sign-ups
    (`exchange.event_remind_school`, the event's id in the school's schema), which notifies the
    school's signed-up accounts and its group robot. Each event is marked reminded in the same
    transaction that records its tasks in the outbox, so a crash before the commit leaves it to the
    next run, and a task lost after it is sent again until done (outbox/services.py). Returns the
    number of tasks queued."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from exchange.tasks import event_remind_school

    zone = ZoneInfo(settings.DISPLAY_TIME_ZONE)
    now = now or timezone.now()
    tomorrow = timezone.localtime(now, zone).date() + timedelta(days=1)
    queued = 0
    events = Event.objects.filter(remind=True, reminded_at__isnull=True, starts_at__gt=now)
    for event in events:
        if timezone.localtime(event.starts_at, zone).date() != tomorrow:
            continue
        with transaction.atomic():
            event = Event.objects.select_for_update().get(pk=event.pk)
            if event.reminded_at is not None:
                continue
            event.reminded_at = now
            event.save(update_fields=["reminded_at"])
            schemas = (
                event.signups.order_by("school_id").values_list("school__schema_name", flat=True).distinct()
            )
            for schema in schemas:
                outbox_send(event_remind_school, event.pk, schema_name=schema)
                queued += 1
    return queued


def event_school_remind(*, event_id: int) -> int:
    """Inside one school's schema: a notification for each of its accounts signed up for the event,
    and one group-robot message. Safe to run twice (a redelivered task): the notification's dedupe key
    is its idempotency key, written in the same transaction, and the robot is told only by the run
    that created notifications. Returns the number of notifications created."""
    from zoneinfo import ZoneInfo

    from django.db import connection

    from district.models import School
    from shared.accounts.models import User
    from tenants.workspace.services import notify

    school = School.objects.get(schema_name=connection.schema_name)
    event = Event.objects.get(pk=event_id)
    when = timezone.localtime(event.starts_at, ZoneInfo(settings.DISPLAY_TIME_ZONE)).strftime(
        "%Y-%m-%d %H:%M"
    )
    title = _("Tomorrow: “%(title)s” at %(when)s") % {"title": event.title, "when": when}
    usernames = event.signups.filter(school=school).values_list("username", flat=True)
    sent = 0
    with transaction.atomic():
        for user in User.objects.filter(username__in=list(usernames), is_active=True):
            note = notify(
                recipient=user,
                title=title[:200],
                link=_school_link("exchange:event", event.public_id),
                dedupe_key=f"exchange-event:{event.public_id}",
            )
            sent += note is not None
        if sent:
            announce(title, school=school)
    return sent


def district_notes_read(*, username: str) -> int:
    return DistrictNote.objects.filter(recipient_username=username, read_at__isnull=True).update(
        read_at=timezone.now()
    )
