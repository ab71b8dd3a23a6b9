"""The district console (/console/, Django admin on the district host): every page renders for the
district admin."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from district.models import School
from shared.accounts.models import User
from shared.accounts.services import api_token_issue
from tests.conftest import ALPHA, signed_in

pytestmark = pytest.mark.django_db
PUBLIC = "config.urls_public"


def _console():
    from district.admin import console

    return console


def _one_of_each():
    """An object of every registered model, so that every change page has something to show."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    dora = User.objects.get(username="dora")
    api_token_issue(user=dora)
    Group.objects.get_or_create(name="区教研员")
    AccessAttempt.objects.create(username="nobody", ip_address="127.0.0.1", failures_since_start=1)
    AccessLog.objects.create(username="dora", ip_address="127.0.0.1")
    AccessFailureLog.objects.create(username="nobody", ip_address="127.0.0.1", locked_out=False)


def _url(name, model, *args):
    return reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}", args=args, urlconf=PUBLIC
    )


def test_every_console_page_renders_for_the_district_admin(schools):
    _one_of_each()
    client = signed_in(None, "dora")
    console = _console()
    pages = [reverse("admin:index", urlconf=PUBLIC)]
    request = client.get(pages[0]).wsgi_request
    for model, model_admin in console._registry.items():
        pages.append(reverse("admin:app_list", args=[model._meta.app_label], urlconf=PUBLIC))
        pages.append(_url("changelist", model))
        if model_admin.has_add_permission(request):  # axes' records are read-only
            pages.append(_url("add", model))
        obj = model._default_manager.first()
        assert obj is not None, f"no {model._meta.label} to open"
        # The token admin addresses a token by its user.
        pk = obj.user_id if model._meta.label == "authtoken.TokenProxy" else obj.pk
        pages.append(_url("change", model, pk))
    # The school registry is the console's reason to exist.
    assert _url("change", School, schools[ALPHA].pk) in pages
    assert _url("add", School) in pages
    for path in dict.fromkeys(pages):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    # The index lists the schools' registry.
    index = client.get(reverse("admin:index", urlconf=PUBLIC)).content.decode()
    assert _url("changelist", School) in index


def test_console_lists_no_model_that_lives_only_in_school_schemas():
    from django.conf import settings
    from django_tenants.utils import get_app_label

    from tenants.workspace.models import Notification

    public_apps = {get_app_label(app) for app in settings.SHARED_APPS}
    assert all(model._meta.app_label in public_apps for model in _console()._registry)
    assert Notification not in _console()._registry
    assert School in _console()._registry
