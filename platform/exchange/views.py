"""The exchange pages, the same on both hosts (/exchange/): threads, a post with its replies, case
studies, events, and on the district host the review queue and moderation.

Who: every district role and every school staff role reads, writes, replies and reports; the
district admin and the reviewer also review case studies and moderate, and see who wrote what.
Invited attendees and school admins, and anyone else, get 404, as for a page that does not exist.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from exchange import selectors, services
from exchange.forms import (
    CaseStudyEditForm,
    EventForm,
    PostForm,
    ReasonForm,
    ReplyForm,
    ReportForm,
    SignUpForm,
)
from exchange.models import Event, EventKind, Post, PostKind, PostReport, Reply, ReviewStatus, SignUp
from exchange.selectors import Reader, author_label
from shared.accounts.roles import STAFF_ROLES, DistrictRole
from shared.pages import PAGE_SIZE, add_errors, is_uuid


def can_use(request) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    if getattr(request, "tenant", None) is None:
        return user.has_role(*DistrictRole.values)
    return user.has_role(*STAFF_ROLES)


def _reader(request) -> Reader:
    if not can_use(request):
        raise Http404
    return Reader(user=request.user, school=getattr(request, "tenant", None))


def _moderator(request) -> Reader:
    reader = _reader(request)
    if not reader.is_moderator:
        raise Http404
    return reader


def _post(reader: Reader, public_id) -> Post:
    try:
        return selectors.post_get_for(reader=reader, public_id=public_id)
    except Post.DoesNotExist:
        raise Http404


def _event(public_id) -> Event:
    try:
        return selectors.events_list().get(public_id=public_id)
    except Event.DoesNotExist:
        raise Http404


def _page(request, queryset):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def _errors_to_messages(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _submitted(request, form, save, *, success, then):
    """A POSTed form's outcome: when the form is valid and `save(cleaned_data)` (one service call)
    accepts it, `success` as a message (text, or a function of what was saved) and the response
    `then(saved)`. None on a GET or when the form or the service refused it: the service's
    ValidationError is on the form and the caller shows the form again with status 400. A response
    is always truthy (it defines neither __bool__ nor __len__), so callers write `_submitted(...) or
    <the form page>`."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        saved = save(form.cleaned_data)
    except ValidationError as exc:
        add_errors(form, exc)
        return None
    messages.success(request, success(saved) if callable(success) else success)
    return then(saved)


def _acted(request, act, *, success) -> None:
    """A button's service call (`act()`): `success` as a message, or the service's refusal as error
    messages (the page it redirects to shows them)."""
    try:
        act()
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, success)


def _form_page(request, form, *, tab: str, title):
    """The exchange's form page (a post, a correction, an event): 400 when a POST comes back to it."""
    return render(
        request,
        "exchange/post_form.html",
        {"tab": tab, "form": form, "title": title},
        status=400 if request.method == "POST" else 200,
    )


def _to_post(post):
    return redirect("exchange:post", post.public_id)


# --- Threads -------------------------------------------------------------------------------------


@login_required
def index(request):
    reader = _reader(request)
    q = (request.GET.get("q") or "").strip()
    kind = request.GET.get("kind", "")
    kind = kind if kind in PostKind.values else ""
    mine = request.GET.get("mine") == "yes"
    status = request.GET.get("status", "")
    status = status if status in ReviewStatus.values and (mine or reader.is_moderator) else ""
    posts = selectors.posts_list(reader=reader, q=q, kind=kind, mine=mine, status=status)
    if request.GET.get("export") == "xlsx":
        from shared.xlsx import xlsx_response

        return xlsx_response(
            filename="交流帖子",
            title=str(_("Exchange")),
            headers=[
                str(h)
                for h in (_("Title"), _("Kind"), _("Author"), _("Replies"), _("Last activity"), _("Status"))
            ],
            rows=(
                [
                    p.title,
                    str(p.get_kind_display()),
                    author_label(p, reader=reader),
                    p.reply_count,
                    p.last_activity_at,
                    str(p.get_status_display()),
                ]
                for p in posts
            ),
        )
    page, query = _page(request, posts)
    rows = [{"post": p, "author": author_label(p, reader=reader)} for p in page]
    notes = selectors.district_notes(username=reader.username) if reader.is_district else []
    return render(
        request,
        "exchange/index.html",
        {
            "tab": "threads",
            "reader": reader,
            "rows": rows,
            "page": page,
            "query": query,
            "q": q,
            "kind": kind,
            "kinds": PostKind.choices,
            "mine": mine,
            "status": status,
            "statuses": ReviewStatus.choices,
            "filtered": bool(q or kind or mine or status),
            "notes": notes,
            "pending": selectors.case_studies_pending().count() if reader.is_moderator else 0,
            "open_reports": selectors.reports_open().count() if reader.is_moderator else 0,
        },
    )


@login_required
def post_new(request):
    reader = _reader(request)
    form = PostForm(request.POST or None, initial={"kind": request.GET.get("kind", PostKind.SHARING)})
    return _submitted(
        request,
        form,
        lambda data: services.post_create(reader=reader, **data),
        success=lambda post: (
            _("Sent to the district for review. Until it is approved only you and the district see it.")
            if post.kind == PostKind.CASE_STUDY
            else _("Published.")
        ),
        then=_to_post,
    ) or _form_page(request, form, tab="threads", title=_("New post"))


def render_post(request, reader, post, *, reply_form=None, report_form=None, reason_form=None, status=200):
    replies = [
        {"reply": r, "author": author_label(r, reader=reader), "reports": None}
        for r in selectors.replies_for(post=post, reader=reader)
    ]
    own = post.written_by(school=reader.school, username=reader.username)
    return render(
        request,
        "exchange/post_detail.html",
        {
            "tab": "threads",
            "reader": reader,
            "post": post,
            "author": author_label(post, reader=reader),
            "own": own,
            "replies": replies,
            "can_reply": post.is_published and not post.hidden and not post.locked,
            "reply_form": reply_form or ReplyForm(),
            "report_form": report_form or ReportForm(),
            "reason_form": reason_form or ReasonForm(),
            "edit_form": CaseStudyEditForm(
                initial={"title": post.title, "body": post.body, "anonymous": post.anonymous}
            )
            if own and post.status == ReviewStatus.RETURNED
            else None,
            "open_reports": post.reports.filter(status="open").count() if reader.is_moderator else 0,
        },
        status=status,
    )


@login_required
def post_detail(request, id):
    reader = _reader(request)
    return render_post(request, reader, _post(reader, id))


@login_required
@require_POST
def post_reply(request, id):
    reader = _reader(request)
    post = _post(reader, id)
    form = ReplyForm(request.POST)
    return _submitted(
        request,
        form,
        lambda data: services.reply_create(post, reader=reader, **data),
        success=_("Reply published."),
        then=lambda _reply: redirect(reverse("exchange:post", args=[post.public_id]) + "#replies"),
    ) or render_post(request, reader, post, reply_form=form, status=400)


@login_required
@require_POST
def post_report(request, id):
    reader = _reader(request)
    post = _post(reader, id)
    form = ReportForm(request.POST)

    def report(data):
        reply = None
        if data.get("reply"):
            reply = selectors.replies_for(post=post, reader=reader).filter(public_id=data["reply"]).first()
            if reply is None:
                raise Http404
        return services.report_create(post, reader=reader, reason=data["reason"], reply=reply)

    return _submitted(
        request,
        form,
        report,
        success=_("Thank you. The district will look at it."),
        then=lambda _report: _to_post(post),
    ) or render_post(request, reader, post, report_form=form, status=400)


@login_required
def post_edit(request, id):
    """The author corrects a returned case study and sends it again."""
    reader = _reader(request)
    post = _post(reader, id)
    if (
        not post.written_by(school=reader.school, username=reader.username)
        or post.status != ReviewStatus.RETURNED
    ):
        raise Http404
    form = CaseStudyEditForm(
        request.POST or None, initial={"title": post.title, "body": post.body, "anonymous": post.anonymous}
    )
    return _submitted(
        request,
        form,
        lambda data: services.case_study_resubmit(post, reader=reader, **data),
        success=_("Sent to the district for review again."),
        then=lambda _saved: _to_post(post),
    ) or _form_page(request, form, tab="threads", title=_("Correct the case study"))


@login_required
@require_POST
def post_moderate(request, id, action):
    reader = _moderator(request)
    post = _post(reader, id)
    try:
        if action == "approve":
            services.case_study_approve(post, actor=request.user)
            messages.success(request, _("Approved and published."))
        elif action == "return":
            form = ReasonForm(request.POST)
            if not form.is_valid():
                return render_post(request, reader, post, reason_form=form, status=400)
            try:
                services.case_study_return(post, actor=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    add_errors(form, exc)
                    return render_post(request, reader, post, reason_form=form, status=400)
                raise
            messages.success(request, _("Returned to the author."))
        elif action in ("hide", "unhide"):
            services.post_hide(post, actor=request.user, hidden=action == "hide")
            messages.success(request, _("Hidden.") if action == "hide" else _("Shown again."))
        elif action in ("lock", "unlock"):
            services.post_lock(post, actor=request.user, locked=action == "lock")
            messages.success(request, _("Locked: no more replies.") if action == "lock" else _("Unlocked."))
        else:
            raise Http404
    except ValidationError as exc:
        _errors_to_messages(request, exc)
        return render_post(request, reader, post, status=409)
    return redirect("exchange:post", post.public_id)


@login_required
@require_POST
def reply_moderate(request, id, action):
    _moderator(request)
    reply = Reply.objects.filter(public_id=id).select_related("post").first() if is_uuid(id) else None
    if reply is None or action not in ("hide", "unhide"):
        raise Http404
    services.reply_hide(reply, actor=request.user, hidden=action == "hide")
    messages.success(request, _("Hidden.") if action == "hide" else _("Shown again."))
    return redirect(reverse("exchange:post", args=[reply.post.public_id]) + "#replies")


# --- The district's review queue -----------------------------------------------------------------


@login_required
def review(request):
    reader = _moderator(request)
    cases = [{"post": p, "author": author_label(p, reader=reader)} for p in selectors.case_studies_pending()]
    reports = [
        {
            "report": r,
            "author": author_label(r.reply or r.post, reader=reader),
            "reporter": f"{r.school.name if r.school_id else _('District')} · {r.reporter_username}",
        }
        for r in selectors.reports_open()
    ]
    return render(
        request,
        "exchange/review.html",
        {"tab": "review", "reader": reader, "cases": cases, "reports": reports},
    )


@login_required
@require_POST
def report_handle(request, id, action):
    _moderator(request)
    report = PostReport.objects.filter(public_id=id).first() if is_uuid(id) else None
    if report is None or action not in ("dismiss", "hide"):
        raise Http404
    _acted(
        request,
        lambda: services.report_handle(report, actor=request.user, hide=action == "hide"),
        success=_("Hidden.") if action == "hide" else _("Report dismissed."),
    )
    return redirect("exchange:review")


@login_required
@require_POST
def notes_read(request):
    reader = _reader(request)
    if not reader.is_district:
        raise Http404
    services.district_notes_read(username=reader.username)
    return redirect("exchange:index")


# --- Events --------------------------------------------------------------------------------------


@login_required
def events(request):
    reader = _reader(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in EventKind.values else ""
    past = request.GET.get("past") == "yes"
    qs = selectors.events_list(kind=kind, upcoming_only=not past)
    if past:
        qs = qs.filter(starts_at__lt=timezone.now()).order_by("-starts_at")
    page, query = _page(request, qs)
    return render(
        request,
        "exchange/events.html",
        {
            "tab": "events",
            "reader": reader,
            "page": page,
            "query": query,
            "kind": kind,
            "kinds": EventKind.choices,
            "past": past,
            "filtered": bool(kind),
        },
    )


@login_required
def event_new(request):
    reader = _reader(request)
    form = EventForm(request.POST or None)
    return _submitted(
        request,
        form,
        lambda data: services.event_create(reader=reader, **data),
        success=_("The event is published."),
        then=lambda event: redirect("exchange:event", event.public_id),
    ) or _form_page(request, form, tab="events", title=_("New event"))


def render_event(request, reader, event, *, signup_form=None, status=200):
    organiser = selectors.event_is_organiser(event=event, reader=reader)
    signups = list(selectors.event_signups(event=event, reader=reader))
    can_sign_up = reader.school is not None and event.starts_at > timezone.now()
    if can_sign_up and signup_form is None:
        taken = {s.username for s in signups if s.school_id == reader.school.pk}
        choices = [c for c in services.staff_choices(reader.school) if c[0] not in taken]
        signup_form = SignUpForm(choices=choices)
    organiser_label = event.school.name if event.school_id else settings.DISTRICT_NAME
    return render(
        request,
        "exchange/event_detail.html",
        {
            "tab": "events",
            "reader": reader,
            "event": event,
            "organiser": organiser,
            "organiser_label": organiser_label,
            "signups": signups,
            "signup_form": signup_form if can_sign_up else None,
            "full": event.capacity is not None and event.signup_count >= event.capacity,
        },
        status=status,
    )


@login_required
def event_detail(request, id):
    reader = _reader(request)
    return render_event(request, reader, _event(id))


@login_required
@require_POST
def event_signup(request, id):
    reader = _reader(request)
    event = _event(id)
    if reader.school is None:
        raise Http404
    form = SignUpForm(request.POST, choices=services.staff_choices(reader.school))
    return _submitted(
        request,
        form,
        lambda data: services.signup_add(event, reader=reader, username=data["username"]),
        success=_("Signed up."),
        then=lambda _signup: redirect("exchange:event", event.public_id),
    ) or render_event(request, reader, event, signup_form=form, status=400)


@login_required
@require_POST
def signup_remove(request, id, signup):
    reader = _reader(request)
    event = _event(id)
    if reader.school is None or not is_uuid(signup):
        raise Http404
    row = SignUp.objects.filter(event=event, school=reader.school, public_id=signup).first()
    if row is None:
        raise Http404
    _acted(request, lambda: services.signup_remove(row, reader=reader), success=_("Sign-up removed."))
    return redirect("exchange:event", event.public_id)


@login_required
@require_POST
def event_attendance(request, id):
    reader = _reader(request)
    event = _event(id)
    if not selectors.event_is_organiser(event=event, reader=reader):
        raise Http404
    attended = {}
    for signup in event.signups.all():
        value = request.POST.get(f"attended-{signup.public_id}")
        if value in ("yes", "no"):
            attended[str(signup.public_id)] = value == "yes"
    try:
        count = services.attendance_record(event, reader=reader, attended=attended)
    except PermissionDenied:
        raise Http404
    messages.success(request, _("Attendance recorded for %(n)d people.") % {"n": count})
    return redirect("exchange:event", event.public_id)
