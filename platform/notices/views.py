"""The notices pages, on both hosts.

District host (/notices/): every district role reads the notices and, per notice, which schools have
read it (table, filters, XLSX); the district admin sends notices and keeps the district's group robot.
School host (/notices/): the leadership group reads the notices addressed to its school (opening one
records the school's read), the principal and the secretary make a ledger task of one that asks for
action, and the school admin or principal keeps the school's group robot. Attachments are served to
the district's readers and to signed-in accounts of the addressed schools. Anything else is 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from district.models import SchoolType
from notices import access, selectors, services
from notices.forms import NoticeForm, RobotForm, TaskForm
from notices.models import NoticeKind, RobotWebhook
from shared.pages import Action, Column, TablePage, add_errors
from shared.resources import Filter


def _yes_no(value) -> str:
    return _("Yes") if value else _("No")


def _when(value) -> str:
    return date_format(value, "Y-m-d H:i") if value else ""


READ_STATES = [("read", gettext_lazy("Read")), ("unread", gettext_lazy("Not read yet"))]


def _read_state(queryset, value):
    return queryset.filter(first_read_at__isnull=(value == "unread"))


# --- District host ---------------------------------------------------------------------------------


class DistrictNoticeList(TablePage):
    policy = access.DistrictReaders
    title = gettext_lazy("Notices to schools")
    intro = gettext_lazy("Notices, policy documents and requirements sent to schools, and who has read them.")
    empty_text = gettext_lazy("No notice sent yet. Send the first one to all schools or to some of them.")
    export_name = "通知"
    filters = [
        Filter("kind", gettext_lazy("Kind"), choices=NoticeKind.choices),
        Filter("asks_action", gettext_lazy("Asks for action"), kind="bool"),
        Filter("q", gettext_lazy("Title"), apply=lambda qs, v: qs.filter(title__icontains=v)),
    ]

    @property
    def columns(self):
        exporting = self.exporting
        return [
            Column(_("Title"), "title", link=None if exporting else (lambda n: f"/notices/{n.public_id}/")),
            Column(_("Kind"), "get_kind_display"),
            Column(_("Sent"), (lambda n: n.created_at) if exporting else (lambda n: _when(n.created_at))),
            Column(_("Deadline"), "deadline"),
            Column(_("Asks for action"), lambda n: _yes_no(n.asks_action)),
            Column(_("Schools"), "addressed", numeric=True),
            Column(_("Read"), "read", numeric=True),
            Column(_("Tasks made"), "tasks", numeric=True),
        ]

    def get_queryset(self, request):
        return selectors.notices_for_district()

    def get_actions(self, request):
        if not access.can_send(request.user):
            return []
        return [
            Action(_("Send a notice"), "/notices/new/"),
            Action(_("Group robot"), "/notices/robot/", primary=False),
        ]


class DistrictReceipts(TablePage):
    """One notice, and each addressed school: read or not, by whom and when, task made or not."""

    policy = access.DistrictReaders
    template_name = "notices/district_detail.html"
    empty_text = gettext_lazy("No school was addressed.")
    filters = [
        Filter("state", gettext_lazy("Read"), choices=READ_STATES, apply=_read_state),
        Filter(
            "school_type",
            gettext_lazy("School type"),
            choices=SchoolType.choices,
            lookup="school__school_type",
        ),
    ]

    @property
    def export_name(self):
        return f"通知阅读情况-{self.notice.title[:30]}"

    @property
    def title(self):
        return self.notice.title

    @property
    def columns(self):
        exporting = self.exporting
        return [
            Column(_("School code"), "school.code"),
            Column(_("School"), "school.name"),
            Column(_("School type"), "school.get_school_type_display"),
            Column(_("Read"), lambda r: _yes_no(r.first_read_at)),
            Column(
                _("First read at"),
                (lambda r: r.first_read_at) if exporting else (lambda r: _when(r.first_read_at)),
            ),
            Column(_("First read by"), "first_reader"),
            Column(_("Ledger task"), lambda r: _yes_no(r.task_public_id)),
        ]

    def get(self, request, *args, **kwargs):
        if not access.can_read_district(request.user):
            raise Http404
        self.notice = selectors.notice_get(kwargs["id"])
        return super().get(request, *args, **kwargs)

    def get_queryset(self, request):
        return selectors.receipts(self.notice)

    def extra_context(self, request):
        return {"notice": self.notice, "attachments": list(self.notice.attachments.all())}


@access.guarded(access.can_send)
def district_notice_new(request):
    form = NoticeForm()
    status = 200
    if request.method == "POST":
        form = NoticeForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic():
                    notice = services.notice_send(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The notice was sent to %(n)d schools.") % {"n": notice.recipients.count()},
                )
                return redirect(f"/notices/{notice.public_id}/")
        status = 400
    return render(request, "notices/notice_form.html", {"form": form}, status=status)


# --- School host -----------------------------------------------------------------------------------


class SchoolNoticeList(TablePage):
    policy = access.SchoolLeadership
    title = gettext_lazy("Notices from the district")
    empty_text = gettext_lazy("No notice from the district yet. Notices the district sends appear here.")
    export_name = "区教育局通知"
    filters = [
        Filter("state", gettext_lazy("Read"), choices=READ_STATES, apply=_read_state),
        Filter("kind", gettext_lazy("Kind"), choices=NoticeKind.choices, lookup="notice__kind"),
        Filter("asks_action", gettext_lazy("Asks for action"), kind="bool", lookup="notice__asks_action"),
    ]

    @property
    def columns(self):
        exporting = self.exporting
        return [
            Column(
                _("Title"),
                "notice.title",
                link=None if exporting else (lambda r: f"/notices/{r.notice.public_id}/"),
            ),
            Column(_("Kind"), "notice.get_kind_display"),
            Column(
                _("Sent"),
                (lambda r: r.notice.created_at) if exporting else (lambda r: _when(r.notice.created_at)),
            ),
            Column(_("Deadline"), "notice.deadline"),
            Column(_("Asks for action"), lambda r: _yes_no(r.notice.asks_action)),
            Column(_("Read"), lambda r: _yes_no(r.first_read_at)),
            Column(_("Ledger task"), lambda r: _yes_no(r.task_public_id)),
        ]

    def get_queryset(self, request):
        return selectors.notices_for_school(request.tenant)

    def get_actions(self, request):
        if access.can_keep_school_robot(request.user):
            return [Action(_("Group robot"), "/notices/robot/", primary=False)]
        return []


@access.guarded(access.can_read_school)
def school_notice_detail(request, id):
    recipient = selectors.notice_get_for_school(request.tenant, id)
    notice = recipient.notice
    can_make_task = access.can_make_task(request.user) and notice.asks_action
    form = None
    status = 200
    if can_make_task and not recipient.task_public_id:
        form = TaskForm(initial={"due_on": notice.deadline})
    if request.method == "POST":
        if not can_make_task:
            raise PermissionDenied
        form = TaskForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    task = services.notice_to_task(
                        recipient=recipient, actor=request.user, **form.cleaned_data
                    )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The notice is now a ledger task."))
                return redirect(reverse("ledger:task", args=[task.public_id]))
        status = 400
    else:
        services.notice_mark_read(recipient=recipient, reader=request.user)
        recipient.refresh_from_db()
    return render(
        request,
        "notices/school_detail.html",
        {
            "recipient": recipient,
            "notice": notice,
            "attachments": list(notice.attachments.all()),
            "form": form,
            "can_make_task": can_make_task,
        },
        status=status,
    )


# --- Both hosts --------------------------------------------------------------------------------------


@login_required
def attachment_download(request, id):
    school = getattr(request, "tenant", None)
    if school is None:
        if not access.can_read_district(request.user):
            raise Http404
        attachment = selectors.attachment_get_for(school=None, public_id=id, district_reader=True)
    else:
        if not request.user.is_active:
            raise Http404
        attachment = selectors.attachment_get_for(school=school, public_id=id, district_reader=False)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404
    return FileResponse(handle, as_attachment=True, filename=attachment.name)


def _robot_keeper(request) -> bool:
    if access.on_district(request):
        return access.can_send(request.user)
    return access.can_keep_school_robot(request.user)


@login_required
def robot(request):
    if not _robot_keeper(request):
        raise Http404
    school = getattr(request, "tenant", None)
    config = RobotWebhook.objects.filter(school=school).first()
    initial = {"kind": config.kind, "enabled": config.enabled} if config else {"enabled": True}
    form = RobotForm(initial=initial)
    status = 200
    if request.method == "POST":
        form = RobotForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.robot_webhook_set(actor=request.user, school=school, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The group robot is saved."))
                return redirect("/notices/robot/")
        status = 400
    return render(request, "notices/robot.html", {"form": form, "config": config}, status=status)


@login_required
@require_POST
def robot_test(request):
    if not _robot_keeper(request):
        raise Http404
    from notices.webhooks import announce

    school = getattr(request, "tenant", None)
    if announce(_("Test message from the mental-health work platform."), school=school):
        messages.success(request, _("A test message is on its way; reload in a moment to see the result."))
    else:
        messages.error(request, _("Set up an enabled group robot first."))
    return redirect("/notices/robot/")


@login_required
@require_POST
def robot_remove(request):
    if not _robot_keeper(request):
        raise Http404
    services.robot_webhook_remove(actor=request.user, school=getattr(request, "tenant", None))
    messages.success(request, _("The group robot was removed."))
    return redirect("/notices/robot/")
