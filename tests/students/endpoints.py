"""The roster endpoints in the role matrix (tests/workspace/test_api_matrix.py)."""

import uuid

from tests.support.matrix import Endpoint
from tests.support.students import make_class, make_student

MANAGERS = {"principal", "secretary", "psychology_teacher", "counselor"}
READERS = MANAGERS | {"homeroom_teacher"}


def student_payload():
    n = uuid.uuid4().int % 10**8
    return {
        "student_number": f"M{n:08d}",
        "name": "林小雨",
        "gender": "female",
        "date_of_birth": "2012-09-15",
        "class": str(make_class().public_id),
        "guardian_name": "林国华",
        "guardian_phone": f"139{n:08d}",
    }


def class_payload():
    return {"grade": 8, "name": f"{uuid.uuid4().hex[:6]}班"}


ENDPOINTS = [
    # make_student() puts the student in a class whose homeroom teacher is r_homeroom_teacher.
    Endpoint(
        name="students",
        url="/api/v1/students/",
        make=make_student,
        payload=student_payload,
        read=READERS,
        create=MANAGERS,
        patch=lambda s: {"guardian_phone": "13900002222"},
    ),
    Endpoint(
        name="classes",
        url="/api/v1/classes/",
        make=lambda: make_class(grade=9),
        payload=class_payload,
        read=READERS,
        create=MANAGERS,
        patch=lambda c: {"name": f"{uuid.uuid4().hex[:6]}班"},
    ),
]
