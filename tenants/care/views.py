"""Student care pages: the area's landing page, the mental-health record (心理健康档案) of each
student with its timeline and attention level, homeroom observations and referrals, guardian
consent, the audit trail, and the export of a student's whole record.

Need to know: every view narrows to what the person may see and answers 404 otherwise. Each
sensitive read writes exactly one audit event.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shared.pages import Action, Column, Filter, FormPage, TablePage, is_uuid
from tenants.care import record_services, selectors
from tenants.care.access import sees_followed
from tenants.care.audit import audit, subject_label
from tenants.care.export import record_pdf, record_workbook
from tenants.care.forms import ConsentForm, ExportForm, LevelForm, ObservationForm
from tenants.care.models import ConsentStatus
from tenants.care.resources import area, audit_events, consents, observations, records
from tenants.care.selectors import audit_policy, observation_policy, record_policy
from tenants.care.services import attention_set
from tenants.students.models import Student
from tenants.students.resources import class_choices, students
from tenants.students.selectors import student_search


def _day(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    return value.strftime("%Y-%m-%d")


def _level_badge(code: str):
    css = {
        "none": "",
        "attention": "badge-due",
        "elevated": "badge-due",
        "high": "badge-high",
        "crisis": "badge-high",
    }
    return format_html(
        '<span class="badge {}" data-level="{}">{}</span>',
        css.get(code, ""),
        code,
        selectors.level_label(code),
    )


# ---------------------------------------------------------------------------------------------
# Landing page


@login_required
def home(request):
    if not record_policy.can_read(request.user):
        raise Http404
    return render(
        request,
        "care/home.html",
        {
            "title": _("Student care"),
            "area_tabs": area.tabs_for(request.user, "home"),
            "overview": selectors.care_overview(),
            "clinical": record_policy.reads_clinical(request.user),
            "is_principal": audit_policy.can_read(request.user),
        },
    )


# ---------------------------------------------------------------------------------------------
# Records


class CareTable(TablePage):
    area = area


class RecordTable(CareTable):
    """Every student with their attention level; each name opens the record. One audit event
    (list) per visit."""

    title = gettext_lazy("Mental-health records (心理健康档案)")
    intro = gettext_lazy("Each student's attention level. Open a student to see their record.")
    resource = records
    tab = "records"
    export_name = "心理健康档案-关注等级"
    empty_text = gettext_lazy("No students yet. Import the roster on the Students page first.")

    @property
    def columns(self):
        return [
            Column(gettext_lazy("Student number"), "student_number"),
            Column(gettext_lazy("Full name"), "name", link=lambda s: f"/care/students/{s.public_id}/"),
            Column(gettext_lazy("Class"), lambda s: str(s.school_class)),
            Column(
                gettext_lazy("Attention level"),
                lambda s: (
                    selectors.level_label(s.care_level) if self.exporting else _level_badge(s.care_level)
                ),
            ),
            Column(gettext_lazy("Status"), "get_status_display"),
        ]


def _record_student(request, id) -> Student:
    return records.get_for(request.user, id)


def _record_page(request, student, *, level_form=None, status=200):
    clinical = record_policy.reads_clinical(request.user)
    head = selectors.record_head(student)
    records.audit_read(request.user, student)
    history = list(selectors.attention_history(student))
    return render(
        request,
        "care/record.html",
        {
            "title": _("Record of %(name)s") % {"name": student.name},
            "area_tabs": area.tabs_for(request.user, "records"),
            "student": student,
            "head": head,
            "level": head.level if head else "none",
            "level_label": selectors.level_label(head.level if head else "none"),
            "history": history,
            "entries": selectors.timeline(student, clinical=clinical),
            "clinical": clinical,
            "consent": selectors.consent_label(selectors.consent_status(student)),
            "level_form": level_form
            or (LevelForm(initial={"level": head.level if head else "none"}) if clinical else None),
            "can_export": clinical,
        },
        status=status,
    )


@login_required
def record(request, id):
    student = _record_student(request, id)
    return _record_page(request, student)


@login_required
@require_POST
def record_level(request, id):
    student = _record_student(request, id)
    if not record_policy.can_set_level(request.user):
        raise PermissionDenied
    form = LevelForm(request.POST)
    if form.is_valid():
        try:
            attention_set(
                student=student,
                level=form.cleaned_data["level"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("The attention level is saved."))
            return redirect(f"/care/students/{student.public_id}/")
    return _record_page(request, student, level_form=form, status=400)


@login_required
def record_export(request, id):
    """The whole record as a PDF or an XLSX workbook, for a guardian's request: care team only,
    with a reason, one audit event."""
    student = _record_student(request, id)
    if not record_policy.reads_clinical(request.user):
        raise Http404
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        pdf = form.cleaned_data["file_format"] == "pdf"
        content = record_pdf(student) if pdf else record_workbook(student)
        audit(
            actor=request.user,
            action="export",
            subject="care.record",
            student=student,
            reason=form.cleaned_data["reason"],
        )
        response = HttpResponse(
            content,
            content_type="application/pdf"
            if pdf
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        from urllib.parse import quote

        name = (
            f"心理健康档案-{student.student_number}-{timezone.localdate():%Y%m%d}.{'pdf' if pdf else 'xlsx'}"
        )
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return response
    return render(
        request,
        "care/export.html",
        {
            "title": _("Export the record of %(name)s") % {"name": student.name},
            "student": student,
            "form": form,
            "area_tabs": area.tabs_for(request.user, "records"),
        },
        status=400 if request.method == "POST" else 200,
    )


# ---------------------------------------------------------------------------------------------
# Observations


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


class ObservationTable(CareTable):
    title = gettext_lazy("Observations and referrals")
    resource = observations
    tab = "observations"
    export_name = "观察与转介"

    @property
    def care_team(self) -> bool:
        return record_policy.reads_clinical(self.request.user)

    @property
    def intro(self):
        if self.care_team:
            return _(
                "What homeroom teachers noticed, and their referrals. Open one to read it and mark it as seen."
            )
        return _(
            "What you submitted about your students. The counselors read them; their follow-up is "
            "not shown here."
        )

    @property
    def empty_text(self):
        if self.care_team:
            return _("No observations yet. Homeroom teachers submit them from this page.")
        return _("You have not submitted any observation yet.")

    def get_queryset(self, request):
        # Whether each student is being followed, as this person may know it: an annotation per person.
        return observations.policy.visible(request.user, selectors.observations(followed_for=request.user))

    @property
    def columns(self):
        link = lambda o: f"/care/observations/{o.public_id}/"  # noqa: E731
        columns = [
            Column(
                gettext_lazy("Date"),
                lambda o: o.observed_on if self.exporting else _day(o.observed_on),
                link=link,
            ),
            Column(gettext_lazy("Student"), lambda o: f"{o.student.name}（{o.student.student_number}）"),
            Column(gettext_lazy("Class"), lambda o: str(o.student.school_class)),
            Column(gettext_lazy("Kind"), "get_kind_display"),
        ]
        if self.care_team:
            columns += [
                Column(gettext_lazy("By"), lambda o: o.created_by.display_name if o.created_by else ""),
                Column(
                    gettext_lazy("What was observed"),
                    lambda o: o.text if self.exporting else (o.text[:60] + ("…" if len(o.text) > 60 else "")),
                ),
            ]
        columns += [
            Column(gettext_lazy("Seen by a counselor"), lambda o: _yes_no(o.acknowledged_at is not None)),
            # None: the student has left the teacher's classes, so it is no longer theirs to know.
            Column(
                gettext_lazy("Being followed"), lambda o: "—" if o.followed is None else _yes_no(o.followed)
            ),
        ]
        return columns

    def get_actions(self, request):
        if observation_policy.can_create(request.user):
            return [Action(gettext_lazy("New observation or referral"), "/care/observations/new/")]
        return []


class MyStudentsTable(CareTable):
    """A homeroom teacher's students and whether each is being followed: nothing more."""

    title = gettext_lazy("My students")
    intro = gettext_lazy(
        "Whether each of your students is being followed by the counselors. Details stay with them."
    )
    # A homeroom teacher's own students: a roster read, audited as the roster's lists are.
    resource = students
    policy = observation_policy
    tab = "my_students"
    export_name = "我的学生-关注情况"
    empty_text = gettext_lazy(
        "You are not the homeroom teacher of any class yet. The roster managers assign classes."
    )
    filters = [
        Filter(
            "followed",
            gettext_lazy("Being followed"),
            choices=[("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))],
            apply=lambda qs, v: qs.filter(followed=(v == "yes")),
        ),
    ]

    def get_queryset(self, request):
        if not observation_policy.can_create(request.user):
            raise Http404
        return selectors.homeroom_students_followed(request.user).order_by(
            "school_class__grade", "school_class__name", "student_number"
        )

    @property
    def columns(self):
        return [
            Column(gettext_lazy("Student number"), "student_number"),
            Column(gettext_lazy("Full name"), "name"),
            Column(gettext_lazy("Class"), lambda s: str(s.school_class)),
            Column(gettext_lazy("Being followed"), lambda s: _yes_no(s.followed)),
        ]

    def get_actions(self, request):
        return [Action(gettext_lazy("New observation or referral"), "/care/observations/new/")]


class ObservationFormPage(FormPage):
    title = gettext_lazy("New observation or referral")
    form_class = ObservationForm
    resource = observations
    area = area
    tab = "observations"
    success_message = gettext_lazy("Submitted. The counselors will read it.")

    def form_kwargs(self, request, obj):
        return {"students": selectors.homeroom_students(request.user)}

    def initial(self, request):
        initial = {}
        if request.GET.get("student"):
            initial["student"] = request.GET["student"]
        return initial

    def success_url(self, request, saved):
        return "/care/observations/"


def _observation(request, id):
    return observations.get_for(request.user, id)


@login_required
def observation(request, id):
    obs = _observation(request, id)
    observations.audit_read(request.user, obs)
    care_team = record_policy.reads_clinical(request.user)
    return render(
        request,
        "care/observation.html",
        {
            "title": obs.get_kind_display(),
            "observation": obs,
            "care_team": care_team,
            "followed": selectors.is_followed(obs.student)
            if sees_followed(request.user, obs.student)
            else None,
            "area_tabs": area.tabs_for(request.user, "observations"),
        },
    )


@login_required
@require_POST
def observation_seen(request, id):
    obs = _observation(request, id)
    if not observation_policy.can_change(request.user, obs):
        raise PermissionDenied
    record_services.observation_acknowledge(obs, actor=request.user)
    messages.success(request, _("Marked as seen."))
    return redirect(f"/care/observations/{obs.public_id}/")


# ---------------------------------------------------------------------------------------------
# Consent


class ConsentTable(CareTable):
    title = gettext_lazy("Screening consent (知情同意)")
    intro = gettext_lazy(
        "The guardian's answer in force for each student: the latest one recorded. "
        "Students without consent are not screened."
    )
    # Rows are students with the answer in force (not the answers themselves): the consent
    # declaration's policy and audit, this page's own rows and filters.
    resource = consents
    tab = "consent"
    export_name = "测评知情同意"
    empty_text = gettext_lazy("No students yet. Import the roster on the Students page first.")
    filters = [
        Filter(
            "consent",
            gettext_lazy("Consent"),
            choices=[*ConsentStatus.choices, ("none", gettext_lazy("No answer recorded"))],
            lookup="consent_status",
        ),
        Filter("class", gettext_lazy("Class"), choices=class_choices, lookup="school_class__public_id"),
        Filter(
            "q",
            gettext_lazy("Name or student number"),
            apply=student_search(),
        ),
    ]

    def get_queryset(self, request):
        return selectors.students_with_consent(
            Student.objects.filter(status="active").select_related("school_class")
        )

    @property
    def columns(self):
        return [
            Column(gettext_lazy("Student number"), "student_number"),
            Column(
                gettext_lazy("Full name"),
                "name",
                link=lambda s: f"/care/consent/answers/?q={s.student_number}",
            ),
            Column(gettext_lazy("Class"), lambda s: str(s.school_class)),
            Column(gettext_lazy("Consent"), lambda s: selectors.consent_label(s.consent_status)),
            Column(
                gettext_lazy("Answered on"), lambda s: s.consent_on if self.exporting else _day(s.consent_on)
            ),
            Column(
                gettext_lazy("Record an answer"),
                lambda s: _("Record"),
                link=lambda s: f"/care/consent/new/?student={s.public_id}",
            ),
        ]

    def get_actions(self, request):
        actions = [Action(gettext_lazy("Record a guardian's answer"), "/care/consent/new/")]
        actions.append(Action(gettext_lazy("All answers"), "/care/consent/answers/", primary=False))
        return actions


class ConsentAnswersTable(CareTable):
    title = gettext_lazy("Guardians' answers")
    intro = gettext_lazy("Every answer recorded, newest first. The latest per student is the one in force.")
    resource = consents
    tab = "consent"
    export_name = "知情同意记录"
    empty_text = gettext_lazy("No answers recorded yet.")

    @property
    def columns(self):
        columns = [
            Column(gettext_lazy("Date"), lambda c: c.recorded_on if self.exporting else _day(c.recorded_on)),
            Column(gettext_lazy("Student"), lambda c: f"{c.student.name}（{c.student.student_number}）"),
            Column(gettext_lazy("Answer"), "get_status_display"),
            Column(gettext_lazy("Guardian"), "guardian_name"),
            Column(gettext_lazy("Note"), "note"),
            Column(gettext_lazy("Recorded by"), lambda c: c.created_by.display_name if c.created_by else ""),
        ]
        if not record_policy.reads_clinical(self.request.user):
            # The note is encrypted free text, for the care team: no column (nor export column) for others.
            columns = [c for c in columns if c.value != "note"]
        return columns

    def get_actions(self, request):
        return [Action(gettext_lazy("Record a guardian's answer"), "/care/consent/new/")]


class ConsentFormPage(FormPage):
    title = gettext_lazy("Record a guardian's answer")
    form_class = ConsentForm
    resource = consents
    area = area
    tab = "consent"
    success_message = gettext_lazy("The answer is recorded.")

    def initial(self, request):
        initial = {"recorded_on": timezone.localdate()}
        if request.GET.get("student"):
            wanted = request.GET["student"]
            student = Student.objects.filter(public_id=wanted).first() if is_uuid(wanted) else None
            if student:
                initial.update(student=student.public_id, guardian_name=student.guardian_name)
        return initial

    def success_url(self, request, saved):
        return "/care/consent/"


# ---------------------------------------------------------------------------------------------
# Audit trail


class AuditTable(CareTable):
    title = gettext_lazy("Audit trail")
    intro = gettext_lazy(
        "Every read and change of students' sensitive data: who, when, what, which student and why. "
        "Nobody can change or delete it."
    )
    resource = audit_events
    tab = "audit"
    export_name = "审计日志"
    empty_text = gettext_lazy("Nothing recorded yet. Reads and changes of student records appear here.")
    # The page's filters: the API's `student_number` is the page's student search.
    filters = [f for f in audit_events.filters if f.name != "student_number"]

    def student(self, event):
        if event.student_number:
            return f"{event.student_name}（{event.student_number}）"
        return str(event.student_ref) if event.student_ref else ""

    @property
    def columns(self):
        return [
            Column(gettext_lazy("When"), lambda e: e.at if self.exporting else _day(e.at)),
            Column(gettext_lazy("Who"), "actor_name"),
            Column(gettext_lazy("What"), "get_action_display"),
            Column(gettext_lazy("Record type"), lambda e: subject_label(e.subject)),
            Column(gettext_lazy("Student"), self.student),
            Column(gettext_lazy("Why"), "reason"),
        ]
