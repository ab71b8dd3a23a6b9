"""Write use cases of the district registry. `school_create` is the one way a school is made:
the console, `provision_school` and `onboard_schools` all call it."""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from district.models import RESERVED_CODES, Domain, School
from district.provisioning import ddl, pool
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
        pooled = pool.pool_take(template.fingerprint)
        with connection.cursor() as cursor:
            if pooled:
                cursor.execute(f'ALTER SCHEMA "{pooled}" RENAME TO "{school.schema_name}"')
            else:
                ddl.replay(template, school.schema_name)
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
