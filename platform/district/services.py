"""Write use cases of the district registry. `school_create` is the one way a school is made:
the console, `provision_school` and `onboard_schools` all call it."""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_tenants.utils import schema_context

from district.models import RESERVED_CODES, Domain, School, SchoolStatus
from district.provisioning import citus, ddl, pool
from shared.accounts.roles import SchoolRole
from shared.accounts.services import account_create, set_password_link


@dataclass
class ProvisionedSchool:
    school: School
    admin_username: str
    set_password_url: str
    seconds: float
    method: str  # "pool" or "ddl"


def school_host(code: str) -> str:
    return f"{code}.{settings.BASE_DOMAIN}"


def school_schema_name(code: str) -> str:
    return f"school_{code}"


def school_build(*, code: str, name: str, school_type: str, number: str, student_count: int) -> School:
    """Validate a new school's registry fields without saving. Raises ValidationError by field."""
    code = (code or "").strip().lower()
    school = School(
        code=code,
        name=(name or "").strip(),
        school_type=school_type,
        number=(number or "").strip(),
        student_count=student_count,
        schema_name=school_schema_name(code),
    )
    errors = {}
    if code in RESERVED_CODES:
        errors["code"] = [_("“%(code)s” is reserved by the platform. Choose another code.") % {"code": code}]
    try:
        school.full_clean(exclude=["schema_name"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return school


def school_create(
    *,
    code: str,
    name: str,
    school_type: str,
    number: str,
    student_count: int,
    admin_name: str,
    admin_email: str,
) -> ProvisionedSchool:
    """Create a school: its schema, its host, and a first school-admin account with a one-time
    link to set the password. Everything happens in one transaction, so a failure leaves no
    schema, domain or account behind."""
    started = time.perf_counter()
    school = school_build(
        code=code, name=name, school_type=school_type, number=number, student_count=student_count
    )
    admin_email = (admin_email or "").strip().lower()
    admin_name = (admin_name or "").strip()
    errors = {}
    try:
        validate_email(admin_email)
    except ValidationError:
        errors["admin_email"] = [_("Enter a valid email address for the school administrator.")]
    if not admin_name:
        errors["admin_name"] = [_("Enter the school administrator's name.")]
    if errors:
        raise ValidationError(errors)

    template = ddl.current_template()
    connection.set_schema_to_public()
    host = school_host(school.code)
    with transaction.atomic():
        # On Citus the schema is built in place and then distributed, never taken from the pool.
        pooled = None if citus.enabled() else pool.pool_take(template.fingerprint)
        with connection.cursor() as cursor:
            if pooled:
                cursor.execute(f'ALTER SCHEMA "{pooled}" RENAME TO "{school.schema_name}"')
            else:
                ddl.replay(template, school.schema_name)
        citus.distribute_school_schema(school.schema_name)
        with schema_context(school.schema_name):
            admin = account_create(
                username=admin_email, full_name=admin_name, email=admin_email, roles=[SchoolRole.SCHOOL_ADMIN]
            )
            link = set_password_link(user=admin, host=host)
        # The registry rows go in last: inserting them first lets two concurrent creations
        # deadlock through the foreign key to the public table.
        school.save()
        Domain.objects.create(domain=host, tenant=school, is_primary=True)
    return ProvisionedSchool(
        school=school,
        admin_username=admin.username,
        set_password_url=link,
        seconds=time.perf_counter() - started,
        method="pool" if pooled else "ddl",
    )


@transaction.atomic
def school_set_status(*, school: School, status: str) -> School:
    school.status = status
    school.full_clean()
    school.save(update_fields=["status", "updated_at"])
    return school


# The console: one school at a time -------------------------------------------------------------------


def school_provision(*, actor, **fields) -> ProvisionedSchool:
    """school_create from the console, recorded in the district audit log in the same transaction."""
    from district.audit import record

    with transaction.atomic():
        result = school_create(**fields)
        record(
            actor,
            "school.create",
            school=result.school,
            target=result.school.code,
            summary=_("Provisioned %(name)s (%(code)s)")
            % {"name": result.school.name, "code": result.school.code},
        )
    return result


# Which status each change may start from, its new status and its audit action.
_STATUS_CHANGES = {
    "suspend": ((SchoolStatus.ACTIVE,), SchoolStatus.SUSPENDED, _lazy("Suspended %(name)s")),
    "reactivate": (
        (SchoolStatus.SUSPENDED, SchoolStatus.ARCHIVED),
        SchoolStatus.ACTIVE,
        _lazy("Reactivated %(name)s"),
    ),
    "archive": (
        (SchoolStatus.ACTIVE, SchoolStatus.SUSPENDED),
        SchoolStatus.ARCHIVED,
        _lazy("Archived %(name)s"),
    ),
}


@transaction.atomic
def school_status_change(*, school: School, change: str, actor) -> School:
    """Suspend (its site answers "suspended"), reactivate, or archive (its site is gone; its schema
    and records are kept). Recorded in the district audit log."""
    from district.audit import record

    if change not in _STATUS_CHANGES:
        raise ValidationError({"change": _("Unknown change.")})
    allowed_from, new_status, summary = _STATUS_CHANGES[change]
    school = School.objects.select_for_update().get(pk=school.pk)
    if school.status not in allowed_from:
        raise ValidationError(
            {
                "status": _("A school that is %(status)s cannot be changed this way.")
                % {"status": school.get_status_display()}
            }
        )
    school_set_status(school=school, status=new_status)
    record(
        actor,
        f"school.{change}",
        school=school,
        target=school.code,
        summary=str(summary) % {"name": school.name},
    )
    return school


class _DistrictActor:
    """How a district person appears in a school's account trail: by name, with no account there."""

    pk = None

    def __init__(self, actor):
        self.display_name = _("District: %(name)s") % {"name": getattr(actor, "display_name", str(actor))}


def school_admin_link(*, school: School, actor) -> tuple[str, str]:
    """A fresh one-time set-password link for the school's first active school administrator (a
    lost first link). Recorded in the school's account trail and the district audit log. Returns
    (the administrator's username, the link)."""
    from district.audit import record
    from shared.accounts.models import User

    if school.status == SchoolStatus.ARCHIVED:
        raise ValidationError({"status": _("An archived school has no site to sign in to.")})
    with transaction.atomic():
        with schema_context(school.schema_name):
            admin = (
                User.objects.filter(is_active=True, roles__contains=[SchoolRole.SCHOOL_ADMIN])
                .order_by("date_joined", "id")
                .first()
            )
            if admin is None:
                raise ValidationError({"status": _("This school has no active school administrator.")})
            link = set_password_link(user=admin, host=school_host(school.code), actor=_DistrictActor(actor))
            username = admin.username
        connection.set_schema_to_public()
        record(
            actor,
            "school.admin_link",
            school=school,
            target=school.code,
            summary=_("New set-password link for the administrator %(user)s") % {"user": username},
        )
    return username, link


# The console: many schools from a CSV file -----------------------------------------------------------

ONBOARDING_MAX_BYTES = 1024 * 1024


def onboarding_start(*, actor, data: bytes, file_name: str = ""):
    """Check a CSV file (UTF-8 with or without BOM, or GBK) and queue its onboarding; the task is sent
    with the job's id only. File-level problems are a field error on `file`; bad lines are reported
    by the job."""
    from district.models import OnboardingJob
    from district.onboarding import decode_csv, read_rows
    from district.tasks import onboarding_run

    if len(data) > ONBOARDING_MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 1 MB. Split it into several files.")})
    text = decode_csv(data)
    rows, file_errors = read_rows(text)
    if file_errors:
        raise ValidationError({"file": file_errors})
    if not rows:
        raise ValidationError({"file": _("The file has a header line but no schools.")})
    job = OnboardingJob.objects.create(
        requested_by=str(getattr(actor, "username", actor))[:150],
        file_name=(file_name or "")[:200],
        csv_text=text,
        total=len(rows),
        rows=[
            {
                "line": r.line,
                "code": r.values.get("code", ""),
                "name": r.values.get("name", ""),
                "state": "waiting",
                "errors": [],
            }
            for r in rows
        ],
    )
    transaction.on_commit(lambda: onboarding_run.delay(job.pk))
    return job


def onboarding_job_run(*, job_id: int) -> None:
    """Run a queued job: check every line first (nothing is made for a line with any error), then
    create each good line's school in its own transaction with its audit event, saving progress
    after each line. The CSV text is cleared at the end."""
    from django.utils import timezone

    from district.audit import record
    from district.models import OnboardingJob, OnboardingStatus
    from district.onboarding import read_rows, validation_messages
    from district.provisioning.connections import refresh_after

    job = OnboardingJob.objects.filter(pk=job_id, status=OnboardingStatus.QUEUED).first()
    if job is None:
        return
    job.status = OnboardingStatus.RUNNING
    job.save(update_fields=["status"])
    try:
        rows, _file_errors = read_rows(job.csv_text)
        by_line = {entry["line"]: entry for entry in job.rows}
        for row in rows:
            if not row.errors:
                try:
                    school_build(
                        **{
                            k: row.values[k]
                            for k in ("code", "name", "school_type", "number", "student_count")
                        }
                    )
                except ValidationError as exc:
                    row.errors.extend(validation_messages(exc))
        for row in rows:
            entry = by_line[row.line]
            if not row.errors:
                try:
                    with transaction.atomic():
                        result = school_create(**row.values)
                        record(
                            job.requested_by,
                            "school.create",
                            school=result.school,
                            target=result.school.code,
                            summary=_("Onboarded %(name)s (%(code)s) from line %(line)s of %(file)s")
                            % {
                                "name": result.school.name,
                                "code": result.school.code,
                                "line": row.line,
                                "file": job.file_name,
                            },
                        )
                    job.links[str(row.line)] = {
                        "admin": result.admin_username,
                        "link": result.set_password_url,
                    }
                except ValidationError as exc:
                    row.errors.extend(validation_messages(exc))
                finally:
                    connection.set_schema_to_public()
            entry["state"] = "refused" if row.errors else "created"
            entry["errors"] = row.errors
            job.processed += 1
            job.save(update_fields=["rows", "links", "processed"])
            refresh_after(job.processed)
        job.status = OnboardingStatus.DONE
    except Exception:
        job.status = OnboardingStatus.FAILED
        raise
    finally:
        job.csv_text = ""
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "csv_text", "finished_at"])


def onboarding_links_take(*, job, actor) -> dict:
    """The set-password links of a finished job, once, for the admin who ran it; then forgotten."""
    from district.models import OnboardingJob

    if not job.finished or job.links_shown or job.requested_by != getattr(actor, "username", None):
        return {}
    with transaction.atomic():
        locked = OnboardingJob.objects.select_for_update().get(pk=job.pk)
        if locked.links_shown:
            return {}
        links = dict(locked.links)
        locked.links = {}
        locked.links_shown = True
        locked.save(update_fields=["links", "links_shown"])
    return links


# District accounts ---------------------------------------------------------------------------------


def _sync_console_access(user) -> None:
    # Django admin at /console/ stays for district admins (superusers) only.
    from shared.accounts.roles import DistrictRole

    is_admin = DistrictRole.DISTRICT_ADMIN in user.roles
    user.is_staff = user.is_superuser = is_admin


def _role_names(roles) -> str:
    from shared.accounts.roles import DistrictRole

    labels = dict(DistrictRole.choices)
    return "、".join(str(labels.get(r, r)) for r in roles) or "—"


def district_account_create(*, actor, username: str, full_name: str, email: str, roles, host: str):
    """A district account (public schema) with a one-time set-password link. Returns (user, link)."""
    from district.audit import record
    from shared.accounts.models import User

    _require_public()
    with transaction.atomic():
        if User.objects.filter(username__iexact=(username or "").strip()).exists():
            raise ValidationError({"username": _("This username is taken.")})
        user = account_create(
            username=(username or "").strip(),
            full_name=full_name,
            email=email,
            roles=list(roles),
            actor=actor,
        )
        link = set_password_link(user=user, host=host, actor=actor)
        record(
            actor,
            "account.create",
            target=user.username,
            summary=_("Created the district account %(user)s: %(roles)s")
            % {"user": user.username, "roles": _role_names(user.roles)},
        )
    return user, link


def district_account_update(user, *, actor, data: dict):
    """Change a district account's name, e-mail, roles or whether it is active. A district admin
    keeps their own admin role and stays active. Role changes are recorded."""
    from district.audit import record
    from shared.accounts.models import User
    from shared.accounts.roles import DistrictRole
    from shared.accounts.services import account_update

    _require_public()
    with transaction.atomic():
        stored = User.objects.select_for_update().get(pk=user.pk)
        before = list(stored.roles)
        was_active = stored.is_active
        if stored.pk == actor.pk:
            if "roles" in data and DistrictRole.DISTRICT_ADMIN not in data["roles"]:
                raise ValidationError({"roles": _("You cannot remove your own district administrator role.")})
            if data.get("is_active") is False:
                raise ValidationError({"is_active": _("You cannot deactivate your own account.")})
        user = account_update(stored, actor=actor, data=dict(data))
        _sync_console_access(user)
        user.save(update_fields=["is_staff", "is_superuser"])
        added = [r for r in user.roles if r not in before]
        removed = [r for r in before if r not in user.roles]
        if added:
            record(
                actor,
                "account.role_grant",
                target=user.username,
                summary=_("Gave %(user)s: %(roles)s") % {"user": user.username, "roles": _role_names(added)},
            )
        if removed:
            record(
                actor,
                "account.role_revoke",
                target=user.username,
                summary=_("Took from %(user)s: %(roles)s")
                % {"user": user.username, "roles": _role_names(removed)},
            )
        if "is_active" in data and was_active != user.is_active:
            record(
                actor,
                "account.activate" if user.is_active else "account.deactivate",
                target=user.username,
                summary=(_("Reactivated %(user)s") if user.is_active else _("Deactivated %(user)s"))
                % {"user": user.username},
            )
        if not (added or removed) and not ("is_active" in data and was_active != user.is_active):
            record(
                actor,
                "account.update",
                target=user.username,
                summary=_("Edited %(user)s") % {"user": user.username},
            )
    return user


def district_account_password_link(user, *, actor, host: str) -> str:
    from district.audit import record

    _require_public()
    with transaction.atomic():
        link = set_password_link(user=user, host=host, actor=actor)
        record(
            actor,
            "account.password_link",
            target=user.username,
            summary=_("New set-password link for %(user)s") % {"user": user.username},
        )
    return link


def district_account_second_factor_reset(user, *, actor) -> None:
    from district.audit import record
    from shared.accounts.services import second_factor_reset

    _require_public()
    with transaction.atomic():
        second_factor_reset(user=user, actor=actor)
        record(
            actor,
            "account.second_factor_reset",
            target=user.username,
            summary=_("Reset the second factor of %(user)s") % {"user": user.username},
        )


def _require_public() -> None:
    if connection.schema_name != "public":
        raise RuntimeError("district accounts live in the public schema")
