"""The screening endpoints in the role matrix (tests/workspace/test_api_matrix.py)."""

import uuid

from django.utils import timezone

from tenants.screening import services
from tests.conftest import role_user
from tests.screening.factories import bands_json, consenting_student, make_campaign, make_response
from tests.support.matrix import Endpoint
from tests.support.students import make_class

CARE_TEAM = {"psychology_teacher", "counselor"}
STATUS_READERS = {"principal", *CARE_TEAM}


def screening_payload():
    student = consenting_student()
    return {"student": str(student.public_id), "instrument": "gad7", "answers": [1, 1, 0, 2, 0, 1, 0]}


def campaign_payload():
    school_class = make_class(grade=9, name=f"矩阵{uuid.uuid4().hex[:5]}班")
    today = timezone.localdate()
    return {
        "title": "九年级心理测评",
        "instrument": "k6",
        "school_class": str(school_class.public_id),
        "opens_on": str(today),
        "closes_on": str(today),
    }


def make_instrument():
    return services.instrument_define(
        actor=role_user("counselor"),
        code=f"m{uuid.uuid4().hex[:8]}",
        name="睡眠质量自评",
        items=5,
        item_min=0,
        item_max=2,
        bands=bands_json(),
        licence="学校自编，校内使用",
    )


def instrument_payload():
    return {
        "code": f"p{uuid.uuid4().hex[:8]}",
        "name": "学习压力自评",
        "items": 5,
        "item_min": 0,
        "item_max": 2,
        "bands": bands_json(),
        "licence": "学校自编，校内使用",
    }


ENDPOINTS = [
    Endpoint(
        name="screenings",
        url="/api/v1/screenings/",
        make=make_response,
        payload=screening_payload,
        read=CARE_TEAM,
        create=CARE_TEAM,
        deletable=False,
    ),
    Endpoint(
        name="screening-campaigns",
        url="/api/v1/screening-campaigns/",
        make=make_campaign,
        payload=campaign_payload,
        read=STATUS_READERS,
        create=CARE_TEAM,
        patch=lambda c: {"title": "秋季心理测评（延期）"},
    ),
    Endpoint(
        name="screening-instruments",
        url="/api/v1/screening-instruments/",
        make=make_instrument,
        payload=instrument_payload,
        read=STATUS_READERS,
        create=CARE_TEAM,
        patch=lambda i: {"licence": "学校自编，校内使用；引用请注明出处"},
    ),
]
