"""The district's audit log is append-only, in the model and in the database."""

import pytest
from django.db import DatabaseError, connection, transaction

from district.audit import record
from district.models import DistrictAuditEvent, School

pytestmark = pytest.mark.django_db


def test_an_event_is_recorded_and_can_be_neither_changed_nor_deleted():
    alpha = School.objects.get(code="alpha")
    event = record("dora", "school.suspend", school=alpha, target="alpha", summary="暂停学校 测试学校alpha")
    stored = DistrictAuditEvent.objects.get(pk=event.pk)
    assert (stored.actor, stored.action, stored.school, stored.summary) == (
        "dora",
        "school.suspend",
        alpha,
        "暂停学校 测试学校alpha",
    )
    with pytest.raises(ValueError):
        stored.save()
    with pytest.raises(ValueError):
        stored.delete()
    for sql in (
        "UPDATE district_districtauditevent SET actor = 'x' WHERE id = %s",
        "DELETE FROM district_districtauditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
    assert DistrictAuditEvent.objects.filter(pk=event.pk, actor="dora").exists()
