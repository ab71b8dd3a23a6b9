"""Write use cases of the library. Each is atomic and validated: errors come back keyed by field
and nothing is half-saved. District actions are recorded in the district audit log inside the
transaction; review outcomes go to the webhooks (if the notices app offers them) after commit, as
text without personal data."""

import os
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from district import audit
from library import access, importing
from library.models import GRADES, ItemKind, ItemStatus, LibraryFile, LibraryImport, LibraryItem
from notices.webhooks import announce

MAX_TAGS = 10
MAX_FILES = 10
_TAG_SPLIT = re.compile(r"[,，、;；\s]+")


def parse_tags(value) -> list[str]:
    """Tags from text ("情绪, 压力 新生") or a list: trimmed, without repeats, at most ten."""
    raw = value if isinstance(value, (list, tuple)) else _TAG_SPLIT.split(value or "")
    tags = []
    for tag in raw:
        tag = (tag or "").strip().lstrip("#")
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValidationError({"tags": _("Give at most %(n)d tags.") % {"n": MAX_TAGS}})
    if any(len(t) > 30 for t in tags):
        raise ValidationError({"tags": _("A tag has at most 30 characters.")})
    return tags


def _clean_grades(grades) -> list[int]:
    try:
        values = sorted({int(g) for g in grades or ()})
    except (TypeError, ValueError):
        raise ValidationError({"grades": _("Grades are 1 to 12.")}) from None
    if any(g not in GRADES for g in values):
        raise ValidationError({"grades": _("Grades are 1 to 12.")})
    return values


def validate_files(files, field: str = "files") -> None:
    """Every upload of the right type and size (the workspace's upload rules), at most ten."""
    from tenants.workspace.services import validate_upload

    files = list(files or ())
    if len(files) > MAX_FILES:
        raise ValidationError({field: _("Attach at most %(n)d files.") % {"n": MAX_FILES}})
    for upload in files:
        validate_upload(upload, field=field)


def _add_files(item: LibraryItem, files) -> None:
    for upload in files or ():
        stored = LibraryFile(item=item, name=os.path.basename(upload.name)[:200], size=upload.size)
        stored.file.save(upload.name, upload, save=False)
        stored.save()


def _validated(item: LibraryItem) -> LibraryItem:
    try:
        item.full_clean()
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None
    return item


# --------------------------------------------------------------------------------------------
# The district publishes


def _require_publisher(actor) -> None:
    if not (actor.is_authenticated and actor.has_role(*access.DISTRICT_PUBLISHERS)):
        raise PermissionDenied


@transaction.atomic
def item_publish(
    *,
    actor,
    kind: str,
    title: str,
    summary: str,
    body: str = "",
    tags=(),
    grades=(),
    licence: str = "",
    structured: dict | None = None,
    files=(),
) -> LibraryItem:
    """A district item, published at once. `structured` holds the kind's form fields
    (library.importing.build_content)."""
    _require_publisher(actor)
    errors = {}
    if kind not in ItemKind.values:
        raise ValidationError({"kind": _("Choose a type.")})
    try:
        content = importing.build_content(kind, structured or {})
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if kind == ItemKind.INSTRUMENT and not (licence or "").strip():
        errors["licence"] = _("Write the instrument's licence terms: who may use it, and how.")
    try:
        validate_files(files)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    item = _validated(
        LibraryItem(
            kind=kind,
            title=(title or "").strip(),
            summary=(summary or "").strip(),
            body=(body or "").strip(),
            tags=parse_tags(tags),
            grades=_clean_grades(grades),
            licence=(licence or "").strip(),
            content=content,
            status=ItemStatus.PUBLISHED,
            submitted_by=actor.username,
            submitted_at=now,
            published_at=now,
        )
    )
    item.save()
    _add_files(item, files)
    audit.record(actor, "library.publish", target=str(item.public_id), summary=item.title)
    return item


@transaction.atomic
def item_withdraw(item: LibraryItem, *, actor) -> None:
    """Take an item out of the library. Schools keep whatever they imported (their own copies)."""
    _require_publisher(actor)
    item = LibraryItem.objects.select_for_update().get(pk=item.pk)
    audit.record(
        actor, "library.withdraw", school=item.school, target=str(item.public_id), summary=item.title
    )
    files = list(item.files.all())
    LibraryImport.objects.filter(item=item).delete()
    item.delete()
    for stored in files:
        transaction.on_commit(lambda f=stored.file: f.delete(save=False))


# --------------------------------------------------------------------------------------------
# A school proposes


def _check_personal_data(*, title: str, summary: str, body: str, tags: list[str], content: dict) -> None:
    """Run in the school's schema: its student names and numbers, phone and ID numbers."""
    from tenants.students.text_check import check_fields, personal_data_error, school_identifiers

    if connection.schema_name == "public":
        raise PermissionDenied
    identifiers = school_identifiers()
    fields = {
        "title": (_("Title"), title),
        "summary": (_("Brief introduction"), summary),
        "body": (_("Content"), body),
        "tags": (_("Tags"), "\n".join(tags)),
    }
    found = check_fields(fields, identifiers=identifiers)
    for field, label, text in importing.content_texts(content):
        more = check_fields({field: (label, text)}, identifiers=identifiers)
        for name, findings in more.items():
            found.setdefault(name, []).extend(findings)
    error = personal_data_error(found)
    if error is not None:
        raise error


@transaction.atomic
def proposal_submit(
    *,
    actor,
    school,
    source_model: str,
    source_id,
    summary: str,
    title: str = "",
    body: str | None = None,
    tags=(),
    files=(),
) -> LibraryItem:
    """A school's record proposed to the district library. The text is checked for personal data
    inside the school's schema before anything is written to the public schema."""
    if not (actor.is_authenticated and actor.has_role(*access.PROPOSER_ROLES)):
        raise PermissionDenied
    if school is None or connection.schema_name != school.schema_name:
        raise PermissionDenied
    source = importing.source_get(actor, model=source_model, public_id=source_id)
    described = importing.describe_source(source_model, source)
    title = (title or described["title"] or "").strip()
    body = (described["body"] if body is None else body or "").strip()
    summary = (summary or "").strip()
    tags = parse_tags(tags)
    errors = {}
    if not summary:
        errors["summary"] = _("Write a short summary: what it is and who it suits.")
    try:
        validate_files(files)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if LibraryItem.objects.filter(
        school=school, source_model=source_model, source_id=source.public_id, status=ItemStatus.PENDING
    ).exists():
        raise ValidationError({"source": _("This record is already waiting for the district's review.")})
    _check_personal_data(title=title, summary=summary, body=body, tags=tags, content=described["content"])
    kind = importing.SOURCE_MODELS[source_model]
    item = _validated(
        LibraryItem(
            kind=kind,
            title=title,
            summary=summary,
            body=body,
            tags=tags,
            grades=described["grades"],
            licence=described["licence"],
            content=described["content"],
            school=school,
            source_model=source_model,
            source_id=source.public_id,
            status=ItemStatus.PENDING,
            submitted_by=actor.username,
            submitted_at=timezone.now(),
        )
    )
    item.save()
    _add_files(item, files)
    return item


# --------------------------------------------------------------------------------------------
# The district reviews


def _locked_pending(item: LibraryItem) -> LibraryItem:
    item = LibraryItem.objects.select_for_update(of=("self",)).select_related("school").get(pk=item.pk)
    if item.status != ItemStatus.PENDING:
        raise ValidationError({"status": _("This proposal was already reviewed.")})
    return item


@transaction.atomic
def proposal_approve(item: LibraryItem, *, actor) -> LibraryItem:
    """Published under the school's name."""
    _require_publisher(actor)
    item = _locked_pending(item)
    now = timezone.now()
    item.status = ItemStatus.PUBLISHED
    item.reviewed_by = actor.username
    item.reviewed_at = now
    item.published_at = now
    item.review_reason = ""
    item.save()
    audit.record(actor, "library.approve", school=item.school, target=str(item.public_id), summary=item.title)
    announce(
        _("Resource library: “%(title)s” from %(school)s was approved and published.")
        % {"title": item.title, "school": item.school.name},
        school=item.school,
    )
    return item


@transaction.atomic
def proposal_return(item: LibraryItem, *, actor, reason: str) -> LibraryItem:
    """Back to the school with the reviewer's reason."""
    _require_publisher(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why it is returned, so the school can improve it.")})
    item = _locked_pending(item)
    item.status = ItemStatus.RETURNED
    item.reviewed_by = actor.username
    item.reviewed_at = timezone.now()
    item.review_reason = reason[:2000]
    item.save()
    audit.record(actor, "library.return", school=item.school, target=str(item.public_id), summary=item.title)
    announce(
        _(
            "Resource library: “%(title)s” from %(school)s was returned; the reason is on the school's library page."
        )
        % {"title": item.title, "school": item.school.name},
        school=item.school,
    )
    return item


# --------------------------------------------------------------------------------------------
# A school imports; anyone signed in downloads


@transaction.atomic
def item_import(item: LibraryItem, *, actor, school, options: dict | None = None):
    """A copy of a published item as a real record of the current school; returns that record."""
    if school is None or connection.schema_name != school.schema_name:
        raise PermissionDenied
    if item.status != ItemStatus.PUBLISHED:
        raise ValidationError({"item": _("Only published items can be imported.")})
    label, record = importing.import_into_school(item, actor=actor, options=options or {})
    LibraryImport.objects.create(
        item=item,
        school=school,
        imported_by=actor.username,
        target_model=label,
        target_id=record.public_id,
    )
    LibraryItem.objects.filter(pk=item.pk).update(import_count=F("import_count") + 1)
    return record


def file_downloaded(stored: LibraryFile) -> None:
    LibraryItem.objects.filter(pk=stored.item_id).update(download_count=F("download_count") + 1)


def upload_limits() -> dict:
    return {
        "extensions": " ".join(settings.UPLOAD_ALLOWED_EXTENSIONS),
        "max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
    }
