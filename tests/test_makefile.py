"""`make run` installs only what running needs and tells the app its own address; `make test`
installs the dev extra. Driven through make with a stand-in python that records its calls."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs GNU make")


def _make(tmp_path: Path, *args: str, env: dict | None = None) -> list[str]:
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    log = tmp_path / "calls.log"
    recorder = f'#!/bin/sh\necho "$(basename "$0") $* | base=$TRACKER_BASE_URL" >> {log}\n'
    for name in ("python", "pybabel", "ruff"):
        (bin_dir / name).write_text(recorder)
        (bin_dir / name).chmod(0o755)
    environ = {k: v for k, v in os.environ.items() if k != "TRACKER_BASE_URL"}
    environ.update(env or {})
    subprocess.run(  # noqa: S603 — our own Makefile, fixed arguments
        [shutil.which("make"), "--no-print-directory", "-s", *args, f"VENV={tmp_path / 'venv'}"],
        cwd=ROOT,
        env=environ,
        check=True,
        capture_output=True,
        timeout=60,
    )
    return log.read_text().splitlines()


def test_make_run_installs_only_the_runtime_and_serves_at_its_port(tmp_path):
    calls = _make(tmp_path, "run", "PORT=18601")
    installs = [c for c in calls if " pip install" in c and "--upgrade" not in c]
    assert installs and all("-e . |" in c for c in installs), installs
    assert not [c for c in calls if "[dev]" in c]
    serve = next(c for c in calls if "runserver" in c)
    assert "127.0.0.1:18601" in serve
    assert serve.endswith("base=http://127.0.0.1:18601")


def test_make_run_keeps_an_address_given_by_the_operator(tmp_path):
    calls = _make(tmp_path, "run", env={"TRACKER_BASE_URL": "https://theodoi.example.vn"})
    assert next(c for c in calls if "runserver" in c).endswith("base=https://theodoi.example.vn")


def test_make_lint_installs_the_dev_extra(tmp_path):
    calls = _make(tmp_path, "lint")
    assert any("-e .[dev]" in c for c in calls)
