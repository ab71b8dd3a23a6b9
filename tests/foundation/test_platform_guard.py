import importlib
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_platform_is_the_standard_library_module():
    module = importlib.import_module("platform")
    stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
    assert Path(module.__file__).resolve().parent == stdlib
    assert callable(module.system)
    assert "platform" in sys.modules and sys.modules["platform"] is module


def test_platform_folder_is_not_a_package():
    assert (ROOT / "platform").is_dir()
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_every_test_folder_is_a_package():
    folders = [p for p in (ROOT / "tests").rglob("*") if p.is_dir() and p.name != "__pycache__"]
    missing = [
        str(p.relative_to(ROOT)) for p in [ROOT / "tests", *folders] if not (p / "__init__.py").exists()
    ]
    assert missing == []


def test_ruff_flags_a_platform_package(tmp_path):
    """With the project's ruff settings, adding platform/__init__.py fails the lint (A005)."""
    import shutil
    import subprocess

    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "platform").mkdir()
    (tmp_path / "platform" / "__init__.py").write_text("")
    (tmp_path / "district").mkdir()
    (tmp_path / "district" / "__init__.py").write_text("")
    (tmp_path / "district" / "selectors.py").write_text("")
    ruff = Path(sys.executable).parent / "ruff"
    result = subprocess.run(
        [str(ruff), "check", "--no-cache", "."], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "A005" in result.stdout and "platform" in result.stdout
    assert "selectors" not in result.stdout
