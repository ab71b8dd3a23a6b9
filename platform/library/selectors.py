"""Read use cases of the library.

Search: Chinese text is matched with `icontains` over the title, the summary and the tags (joined).
PostgreSQL's full-text search with the default parser does not segment Chinese (a run of Han
characters is one token), so a word inside a sentence would not be found; icontains finds it, and a
library of a district's size (hundreds to a few thousand items) scans quickly.
"""

from django.db.models import F, Func, Q, TextField, Value
from django.http import Http404

from library.models import ItemStatus, LibraryFile, LibraryItem


def _base():
    return LibraryItem.objects.select_related("school")


def published_items():
    return _base().filter(status=ItemStatus.PUBLISHED)


def items_for_school(school):
    """What a school's staff see: everything published, and their own school's proposals (never
    another school's pending or returned ones)."""
    return _base().filter(Q(status=ItemStatus.PUBLISHED) | Q(school=school))


def school_proposals(school):
    return _base().filter(school=school).order_by("-submitted_at", "-created_at")


def pending_proposals():
    return _base().filter(status=ItemStatus.PENDING).order_by("submitted_at", "id")


def search(queryset, text: str):
    text = (text or "").strip()
    if not text:
        return queryset
    queryset = queryset.annotate(
        _tags_text=Func(F("tags"), Value(" "), function="array_to_string", output_field=TextField())
    )
    for word in text.split()[:5]:
        queryset = queryset.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(_tags_text__icontains=word)
        )
    return queryset


def all_tags(queryset=None) -> list[str]:
    """The tags in use, most used first (for the tag filter)."""
    queryset = published_items() if queryset is None else queryset
    counts: dict[str, int] = {}
    for tags in queryset.values_list("tags", flat=True):
        for tag in tags or ():
            counts[tag] = counts.get(tag, 0) + 1
    return sorted(counts, key=lambda t: (-counts[t], t))


def item_get(queryset, public_id) -> LibraryItem:
    """The item among `queryset` (what this person may see), or 404: missing and not yours alike."""
    found = queryset.filter(public_id=public_id).first() if _is_uuid(public_id) else None
    if found is None:
        raise Http404
    return found


def file_get(items_queryset, public_id) -> LibraryFile:
    found = (
        LibraryFile.objects.select_related("item")
        .filter(public_id=public_id, item__in=items_queryset)
        .first()
        if _is_uuid(public_id)
        else None
    )
    if found is None:
        raise Http404
    return found


def _is_uuid(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def review_queue() -> list[dict]:
    """Proposals waiting for a district reviewer, oldest first, for the console's review page:
    {"kind", "title", "school", "submitted_at", "url"} (url on the district host)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    return [
        {
            "kind": _("Library proposal: %(kind)s") % {"kind": item.get_kind_display()},
            "title": item.title,
            "school": item.school.name if item.school_id else "",
            "submitted_at": item.submitted_at,
            "url": reverse("library:review", kwargs={"id": item.public_id}, urlconf="config.urls_public"),
        }
        for item in pending_proposals()
    ]
