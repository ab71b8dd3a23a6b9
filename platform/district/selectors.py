from django.db.models import Count, Q

from district.models import School, SchoolStatus


def school_counts() -> dict:
    return School.objects.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(status=SchoolStatus.ACTIVE)),
        suspended=Count("id", filter=Q(status=SchoolStatus.SUSPENDED)),
        archived=Count("id", filter=Q(status=SchoolStatus.ARCHIVED)),
    )


def school_list():
    return School.objects.prefetch_related("domains").order_by("number")


def enrolment_by_school():
    """The published enrolment per school code for the latest term that has any (withheld cells
    stay withheld: figures.selectors), and that term; (None, {}) before any were computed."""
    from figures.models import DataElement, Period, PeriodKind
    from figures.selectors import published

    element = DataElement.objects.get(code="enrolment")
    term = (
        Period.objects.filter(kind=PeriodKind.TERM, values__element=element)
        .distinct()
        .order_by("-start")
        .first()
    )
    if term is None:
        return None, {}
    return term, {cell.school: cell for cell in published(term, element) if cell.breakdown == ""}


# The console's schools table -----------------------------------------------------------------------

# A school's database use: every table, materialised view and partition of its schema, with their
# indexes and TOAST (pg_total_relation_size), for all the page's schools in the one query that lists them.
_SCHEMA_BYTES = """(
    SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::bigint
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = "district_school"."schema_name" AND c.relkind IN ('r', 'm', 'p')
)"""


def school_table():
    """Schools with when their figures last arrived (`figures_at`) and their database use in bytes
    (`db_bytes`); the admin contact and stored files come from school_side_facts()."""
    from django.db.models import Max, OuterRef, Subquery
    from django.db.models.expressions import RawSQL

    from figures.models import MetricValue

    latest = (
        MetricValue.objects.filter(school=OuterRef("pk"))
        .order_by()
        .values("school")
        .annotate(at=Max("computed_at"))
        .values("at")
    )
    return (
        School.objects.prefetch_related("domains")
        .annotate(figures_at=Subquery(latest), db_bytes=RawSQL(_SCHEMA_BYTES, []))
        .order_by("number")
    )


def school_side_facts(schema_names) -> dict[str, dict]:
    """Per school schema: its first active school administrator (name and e-mail) and the bytes of
    the files its people attached (MEDIA_ROOT/schools/<schema>/, as recorded at upload). One query
    for all the schools: a UNION ALL of one row per schema."""
    from django.db import connection

    from shared.accounts.models import User
    from tenants.workspace.models import Attachment

    names = [s for s in schema_names if s]
    if not names:
        return {}
    quote = connection.ops.quote_name
    parts = []
    for schema in names:
        users = f"{quote(schema)}.{quote(User._meta.db_table)}"
        files = f"{quote(schema)}.{quote(Attachment._meta.db_table)}"
        parts.append(
            f"SELECT %s, a.full_name, a.email, "
            f"(SELECT COALESCE(SUM(size), 0)::bigint FROM {files}) "
            f"FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT full_name, email FROM {users} "
            f"WHERE 'school_admin' = ANY(roles) AND is_active ORDER BY date_joined, id LIMIT 1) a ON true"
        )
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), names)
        return {
            schema: {"admin_name": name or "", "admin_email": email or "", "file_bytes": size or 0}
            for schema, name, email, size in cursor.fetchall()
        }


def onboarding_jobs(*, requested_by: str | None = None):
    from district.models import OnboardingJob

    jobs = OnboardingJob.objects.defer("csv_text").order_by("-created_at", "-id")
    return jobs.filter(requested_by=requested_by) if requested_by else jobs


def review_queue() -> list[dict]:
    """What waits for a district reviewer, from every app that has a queue: dicts with "kind",
    "title", "school", "submitted_at" and "url", oldest first. An app without a queue yet adds
    nothing."""
    import importlib

    items = []
    for name in ("library.selectors", "exchange.selectors"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        queue = getattr(module, "review_queue", None)
        if callable(queue):
            items.extend(queue())
    return sorted(items, key=lambda item: (item.get("submitted_at") is None, item.get("submitted_at") or 0))
