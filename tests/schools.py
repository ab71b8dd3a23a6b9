"""Schools a test module makes for itself. The test database is kept between runs, so a school made
once is found the next time rather than made again (its code and number are the module's own)."""


def school_for_tests(code: str, *, number: str, name: str | None = None, student_count: int = 0):
    """The school with this code, made (with an administrator) if it does not exist yet."""
    from django.db import connection

    from district.models import School
    from district.services import school_create

    school = School.objects.filter(code=code).first()
    if school is None:
        school = school_create(
            code=code,
            name=name or f"测试学校{code}",
            school_type="junior",
            number=number,
            student_count=student_count,
            admin_name="测试管理员",
            admin_email=f"admin@{code}.example.cn",
        ).school
        connection.set_schema_to_public()
    return school
