"""The school's own validation-rule violations (/evaluation/figures-checks/).

The district checks each school's figures against validation rules after every computation
(figures.validation). The school sees its own violations with both values: they are its own raw
figures, before any disclosure control. Another school's violations are never in this list: rows are
narrowed to the school of the host.

Who reads it: the leadership group that owns the self-assessment (principal, deputy, members,
secretary). Care staff, homeroom teachers, invited attendees and the school admin get 404.
"""

from django.db import connection
from django.utils.translation import gettext_lazy

from figures.models import Importance, ValidationViolation
from shared.accounts.roles import SchoolRole
from shared.pages import Column, TablePage
from shared.resources import Filter
from tenants.evaluation.resources import area

READERS = (SchoolRole.PRINCIPAL, SchoolRole.DEPUTY, SchoolRole.MEMBER, SchoolRole.SECRETARY)


class LeadershipReaders:
    @staticmethod
    def can_read(user) -> bool:
        return bool(user.is_authenticated and user.has_role(*READERS))


def _number(value):
    return value.normalize() if value is not None else None


def _right(violation):
    return _number(violation.right_value)


class FiguresChecksPage(TablePage):
    policy = LeadershipReaders
    area = area
    tab = "figures_checks"
    title = gettext_lazy("Checks of our figures")
    intro = gettext_lazy(
        "The district checks the figures computed from our records against validation rules. A broken "
        "rule usually means a record is missing or entered twice: correct the records, and the next "
        "computation (every night) checks again."
    )
    empty_text = gettext_lazy("Our figures break no rule.")
    export_name = "figures-checks"
    filters = [
        Filter(
            "period",
            gettext_lazy("Period"),
            choices=lambda request: [
                (code, name)
                for code, name in ValidationViolation.objects.filter(school_id=connection.tenant.pk)
                .order_by("-period__start")
                .values_list("period__code", "period__name")
                .distinct()
            ],
            lookup="period__code",
        ),
        Filter(
            "importance", gettext_lazy("Importance"), choices=Importance.choices, lookup="rule__importance"
        ),
    ]
    columns = [
        Column(gettext_lazy("Period"), "period.name"),
        Column(gettext_lazy("Rule"), "rule.name"),
        Column(gettext_lazy("Importance"), "rule.get_importance_display"),
        Column(gettext_lazy("Left side"), lambda v: _number(v.left_value), numeric=True),
        Column(gettext_lazy("Operator"), "rule.get_operator_display"),
        Column(gettext_lazy("Right side"), _right, numeric=True),
        Column(gettext_lazy("What the rule checks"), "rule.description"),
    ]

    def get_queryset(self, request):
        return (
            ValidationViolation.objects.filter(school_id=connection.tenant.pk)
            .select_related("rule", "period")
            .order_by("-period__start", "rule__code")
        )
