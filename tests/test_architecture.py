"""The layers (issue 7): the import-linter contracts of pyproject.toml hold, and they
would catch a shared package importing a feature or a feature importing another's views.

`lint-imports` reads the code without importing it (a few seconds); `make lint` runs it
too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    """lint-imports on the `capintra` package found in cwd (it comes first on the path)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_contracts_catch_forbidden_imports(tmp_path):
    """A copy of the package where documents/ imports households/, admin/ imports the
    households' views, households/ imports buildings/ and the organisations directory
    imports buildings/: every contract breaks, naming the offending imports."""
    shutil.copytree(
        ROOT / "capintra", tmp_path / "capintra", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "capintra" / "documents" / "probe.py").write_text(
        "import capintra.households.models  # noqa: F401\n"
    )
    (tmp_path / "capintra" / "admin" / "probe.py").write_text(
        "from capintra.households import views  # noqa: F401\n"
    )
    (tmp_path / "capintra" / "households" / "probe.py").write_text(
        "from capintra.buildings import queries  # noqa: F401\n"
    )
    (tmp_path / "capintra" / "organisations" / "probe.py").write_text(
        "import capintra.buildings.models  # noqa: F401\n"
    )

    result = lint_imports(tmp_path)

    assert result.returncode != 0, result.stdout
    assert "Contracts: 0 kept, 4 broken." in result.stdout, result.stdout
    assert "capintra.documents.probe -> capintra.households.models" in result.stdout
    assert "capintra.admin.probe -> capintra.households.views" in result.stdout
    assert "capintra.households.probe -> capintra.buildings.queries" in result.stdout
    assert "capintra.organisations.probe -> capintra.buildings.models" in result.stdout
