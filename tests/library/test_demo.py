"""The library's demo content: district items of each kind and, where a demo school has an activity,
its approved proposal; running it twice adds nothing."""

import pytest

from library.models import ItemStatus, LibraryItem

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent(settings, tmp_path):
    from library.demo import DISTRICT_ITEMS, seed_demo

    settings.MEDIA_ROOT = str(tmp_path)
    seed_demo()
    titles = [spec["title"] for spec in DISTRICT_ITEMS]
    items = LibraryItem.objects.filter(title__in=titles)
    assert items.count() == len(DISTRICT_ITEMS)
    assert set(items.values_list("kind", flat=True)) >= {
        "courseware", "plan_template", "activity_design", "instrument", "reading_list",
    }  # fmt: skip
    phq = items.get(content={"builtin": "phq9"})
    assert phq.licence and phq.status == ItemStatus.PUBLISHED
    assert items.get(kind="courseware").files.count() == 1
    seed_demo()
    assert LibraryItem.objects.filter(title__in=titles).count() == len(DISTRICT_ITEMS)


def test_demo_school_proposal_is_published_under_the_school_name():
    from library.demo import _district_actor, _seed_school_proposal
    from tests.library.helpers import make_activity

    make_activity("alpha", title="示范活动")
    _seed_school_proposal(_district_actor(), prefix="alpha")
    item = LibraryItem.objects.get(title="示范活动")
    assert item.status == ItemStatus.PUBLISHED and item.school.code == "alpha"
    _seed_school_proposal(_district_actor(), prefix="alpha")
    assert LibraryItem.objects.filter(title="示范活动").count() == 1
