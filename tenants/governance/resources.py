"""The governance area (leadership group, work plans, rules and regulations, information reports)
and its resources, declared once: pages and API are built from these."""

from django.utils.translation import gettext_lazy as _

from shared.resources import Area, Filter, Resource, Tab
from tenants.common.choices import Department
from tenants.governance import selectors, services
from tenants.governance.models import (
    AttendeeKind,
    GroupAttendee,
    GroupMember,
    GroupRole,
    InfoReport,
    Plan,
    PlanKind,
    PlanStatus,
    ReportKind,
    ReportStatus,
    RuleCategory,
    RuleDocument,
    RuleVersion,
)
from tenants.governance.policies import group_policy, plan_policy, report_policy, rule_policy

area = Area(
    namespace="governance",
    label=_("Group and plans"),
    tabs=[
        Tab("index", "governance:index", _("Overview")),
        Tab("roster", "governance:roster", _("Leadership group")),
        Tab("attendees", "governance:attendees", _("Invited attendees")),
        Tab("history", "governance:history", _("Roster history")),
        Tab("plans", "governance:plans", _("Work plans")),
        Tab("rules", "governance:rules", _("Rules")),
        Tab("reports", "governance:reports", _("Information reports")),
    ],
)


def _school_years(resource):
    def choices(request):
        visible = resource.policy.visible(request.user, resource.model.objects.all())
        years = visible.order_by("-school_year").values_list("school_year", flat=True).distinct()
        return [(y, y) for y in years]

    return choices


def _on(label):
    """`on=YYYY-MM-DD`: the terms that run that day (400 on the API for a date that does not parse)."""
    return Filter("on", label, kind="date", apply=selectors.on_date)


group_members = Resource(
    name="group-members",
    model=GroupMember,
    label=_("Leadership group"),
    policy=group_policy,
    selector=selectors.member_list,
    create=services.member_add,
    update=services.member_update,
    delete=services.member_remove,
    filters=[
        Filter("role", _("Role"), choices=list(GroupRole.choices)),
        Filter("department", _("Department"), choices=list(Department.choices)),
        _on(_("On the group on")),
    ],
)

group_attendees = Resource(
    name="group-attendees",
    model=GroupAttendee,
    label=_("Invited attendees"),
    policy=group_policy,
    selector=selectors.attendee_list,
    create=services.attendee_add,
    update=services.attendee_update,
    delete=services.attendee_remove,
    filters=[
        Filter("kind", _("Kind"), choices=list(AttendeeKind.choices)),
        Filter(
            "current",
            _("Invitation"),
            choices=[("yes", _("Current only"))],
            apply=lambda qs, v: selectors.on_date(qs, selectors.today()),
            kind="flag",
        ),
        _on(_("On the group on")),
    ],
)

plans = Resource(
    name="plans",
    model=Plan,
    label=_("Work plans"),
    policy=plan_policy,
    selector=selectors.plan_list,
    create=services.plan_create,
    update=services.plan_update,
    delete=services.plan_delete,
)
plans.filters = [
    Filter("status", _("Status"), choices=list(PlanStatus.choices)),
    Filter("kind", _("Kind"), choices=list(PlanKind.choices)),
    Filter("school_year", _("School year"), choices=_school_years(plans)),
]


def _rule_document_create(*, actor, file=None, **data):
    # Pages and API name the optional attachment `file`; the service calls it `upload`.
    return services.rule_document_create(actor=actor, upload=file, **data)


def _version_in_force_on(queryset, on):
    """Each visible document with the version in force on `on` rather than today."""
    return selectors.rule_document_list(on=on).filter(pk__in=queryset.values("pk"))


rule_documents = Resource(
    name="rule-documents",
    model=RuleDocument,
    label=_("Rules"),
    policy=rule_policy,
    selector=selectors.rule_document_list,
    create=_rule_document_create,
    update=services.rule_document_update,
    # No delete: every version of a rule is kept.
    filters=[
        Filter("category", _("Category"), choices=list(RuleCategory.choices)),
        Filter("on", _("Version in force on"), kind="date", apply=_version_in_force_on),
    ],
)

# Not offered as pages or a list/detail API of their own (versions are read and added through their
# document): declared so that a version's attached files are downloaded, through workspace:file, by
# exactly the people who may read the rules.
rule_versions = Resource(
    name="rule-versions",
    model=RuleVersion,
    label=_("Rules"),
    policy=rule_policy,
    selector=selectors.rule_version_list,
)

info_reports = Resource(
    name="info-reports",
    model=InfoReport,
    label=_("Information reports"),
    policy=report_policy,
    selector=selectors.reports,
    create=services.report_create,
    update=services.report_update,
    delete=services.report_delete,
)
info_reports.filters = [
    Filter("status", _("Status"), choices=list(ReportStatus.choices)),
    Filter(
        "late",
        _("Late"),
        choices=[("yes", _("Late only")), ("no", _("On time"))],
        apply=lambda qs, v: qs.filter(is_late=v),
        kind="bool",
    ),
    Filter("kind", _("Kind"), choices=list(ReportKind.choices)),
    Filter("school_year", _("School year"), choices=_school_years(info_reports)),
]
