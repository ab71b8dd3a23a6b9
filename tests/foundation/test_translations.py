"""The zh-hans catalog is complete, its shipped .mo matches the .po, and pages come out in Chinese by default."""

import gettext as gnu_gettext
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"


def _msgfmt(*args: str) -> subprocess.CompletedProcess:
    assert shutil.which("msgfmt"), "msgfmt not found: install gettext (apt-get install gettext)"
    # LC_ALL=C keeps msgfmt's statistics line in English, whatever the machine's locale.
    return subprocess.run(
        ["msgfmt", *args], capture_output=True, text=True, check=False, env={**os.environ, "LC_ALL": "C"}
    )


def _catalog(mo_path: Path) -> dict:
    with mo_path.open("rb") as f:
        return dict(gnu_gettext.GNUTranslations(f)._catalog)


def test_po_is_valid_and_fully_translated():
    result = _msgfmt("--statistics", "-c", "-o", "/dev/null", str(PO))
    assert result.returncode == 0, result.stderr
    stats = result.stderr
    translated = re.search(r"(\d+) translated message", stats)
    assert translated and int(translated.group(1)) > 0, stats
    assert "untranslated" not in stats, stats
    assert "fuzzy" not in stats, stats


def test_po_header_declares_zh_hans():
    header = PO.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert '"Language: zh_Hans\\n"' in header
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in header
    assert "charset=UTF-8" in header
    assert "#, fuzzy" not in header


def test_shipped_mo_is_compiled_from_the_current_po(tmp_path):
    assert MO.is_file(), "compile the catalog: manage.py compilemessages -l zh_Hans"
    fresh = tmp_path / "django.mo"
    result = _msgfmt("-o", str(fresh), str(PO))
    assert result.returncode == 0, result.stderr
    # Compare what the files say rather than their bytes, which differ between gettext versions.
    assert _catalog(MO) == _catalog(fresh), "django.mo is stale: run manage.py compilemessages -l zh_Hans"


def test_gettext_returns_chinese_under_zh_hans():
    with translation.override("zh-hans"):
        assert translation.gettext("Sign in") == "登录"
        assert translation.gettext("Sign out") == "退出登录"
    with translation.override("en"):
        assert translation.gettext("Sign in") == "Sign in"


@pytest.mark.django_db
def test_sign_in_page_is_chinese_by_default_and_english_on_request():
    response = Client(HTTP_HOST=settings.BASE_DOMAIN).get("/accounts/login/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "登录" in body
    assert "Sign in" not in body

    client = Client(HTTP_HOST=settings.BASE_DOMAIN, HTTP_ACCEPT_LANGUAGE="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sign in" in body
    assert "登录" not in body
