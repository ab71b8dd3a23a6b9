import pytest


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def district_user(role: str):
    """A district account with one role (made once per test database): ntc_<role>."""
    from shared.accounts.models import User
    from shared.accounts.services import account_create
    from tests.conftest import PASSWORD

    username = f"ntc_{role}"
    found = User.objects.filter(username=username).first()
    return found or account_create(username=username, full_name=f"区{role}", roles=[role], password=PASSWORD)
