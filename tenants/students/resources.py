"""The roster, declared once: the area's tabs and its resources (students, classes). Pages and the
API are built from these.

Students are student data: a list or an export of the roster writes one "students.roster" audit
event, a detail read (page or API) one "students.student" event naming the student. Classes are no
one's personal data and are not audited.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared.resources import Area, Filter, Resource, Tab
from tenants.care.access import is_homeroom_only, manages_roster
from tenants.care.audit import audit
from tenants.students import selectors, services
from tenants.students.models import SchoolClass, Student, StudentStatus
from tenants.students.policies import class_policy, student_policy

area = Area(
    namespace="students",
    label=gettext_lazy("Student roster"),
    tabs=[
        Tab("index", "students:index", gettext_lazy("Student roster"), shown=student_policy.can_read),
        Tab("classes", "students:classes", gettext_lazy("Classes"), shown=class_policy.can_read),
        Tab("import", "students:import", gettext_lazy("Import a roster"), shown=manages_roster),
    ],
)


def _visible_classes(request):
    qs = SchoolClass.objects.order_by("grade", "name")
    if is_homeroom_only(request.user):
        qs = qs.filter(homeroom_teacher=request.user)
    return qs


def grade_choices(request):
    """The grades of the classes this person may see."""
    grades = sorted({c.grade for c in _visible_classes(request)})
    return [(g, _("Grade %(grade)s") % {"grade": g}) for g in grades]


def class_choices(request):
    """The classes whose students this person may see."""
    return [(str(c.public_id), str(c)) for c in _visible_classes(request)]


STATUS_CHOICES = [
    ("active", gettext_lazy("In school")),
    ("archived", gettext_lazy("Left (archived)")),
    ("all", gettext_lazy("All, including those who left")),
]


def _status(qs, value):
    return qs if value == "all" else qs.filter(status=value)


def in_school_unless_asked(queryset, params):
    """Without a status filter in `params`, only the students in school (the roster's page and API)."""
    if (params.get("status") or "").strip():
        return queryset
    return queryset.filter(status=StudentStatus.ACTIVE)


def _students():
    # Whether each student is being followed; who may learn it is the output's business
    # (tenants.care.access.sees_followed).
    return selectors.being_followed(selectors.students())


class StudentResource(Resource):
    """Students: without a status filter only those in school are listed; a list of the roster is
    audited as "students.roster" (the subject it always had), a student read as "students.student"."""

    def filtered(self, request, params, *, strict: bool):
        queryset, active, errors = super().filtered(request, params, strict=strict)
        return in_school_unless_asked(queryset, params), active, errors

    def audit_list(self, user, *, action: str = "list"):
        audit(actor=user, action=action, subject="students.roster")


students = StudentResource(
    name="students",
    model=Student,
    label=gettext_lazy("Student roster"),
    policy=student_policy,
    selector=_students,
    create=lambda *, actor, **data: services.student_create(actor=actor, data=data),
    update=services.student_update,
    delete=services.student_delete,  # refuses: students are archived, never deleted (400)
    audit="students.student",
    student_of=lambda student: student,
    filters=[
        Filter("grade", gettext_lazy("Grade"), choices=grade_choices, lookup="school_class__grade"),
        Filter("class", gettext_lazy("Class"), choices=class_choices, lookup="school_class__public_id"),
        Filter("status", gettext_lazy("Status"), choices=STATUS_CHOICES, apply=_status),
        Filter("q", gettext_lazy("Name or student number"), apply=selectors.student_search()),
    ],
)


def _all_grades(request):
    return [(g, g) for g in sorted(set(SchoolClass.objects.values_list("grade", flat=True)))]


classes = Resource(
    name="classes",
    model=SchoolClass,
    label=gettext_lazy("Classes"),
    policy=class_policy,
    selector=selectors.classes,
    create=services.class_create,
    update=services.class_update,
    delete=services.class_delete,
    filters=[
        Filter("grade", gettext_lazy("Grade"), choices=_all_grades),
        Filter(
            "teacher",
            gettext_lazy("Homeroom teacher"),
            choices=[("none", gettext_lazy("No homeroom teacher yet"))],
            apply=lambda qs, v: qs.filter(homeroom_teacher__isnull=True),
        ),
    ],
)
