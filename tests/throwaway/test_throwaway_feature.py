"""A feature is a folder (docs/architecture.md): tests/throwaway/visits/ is one, with a
model holding a confidential item, a tab on the household file, a dashboard section and
a page. tests/throwaway/visits_checks.py runs an application with that folder added to
FEATURES and checks, with statuses written there by hand, that the generated route
coverage, the audit classification, the confidentiality policy and the labels pick it
up. It runs in a process of its own: its model must not stay mapped in this one (the
suite checks that every mapped model is declared and migrated)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_feature_folder_plugs_in_with_no_edit_outside_it(tmp_path):
    env = {**os.environ, "PYTEST_XDIST_WORKER": f"throwaway{os.getpid()}"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:randomly",
         "--basetemp", str(tmp_path / "run"), "tests/throwaway/visits_checks.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    passed = re.search(r"(\d+) passed", result.stdout)
    assert passed and int(passed.group(1)) >= 20, result.stdout[-2000:]
    assert "failed" not in result.stdout and "error" not in result.stdout.lower()
