"""`flask --app wsgi import-ikm FILE --region CODE [--partial]`, and a kill in the middle of an import."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Ikm
from tests.imports.rows import numbered_rows, row, to_csv, to_xlsx

REPOSITORY = Path(__file__).resolve().parents[2]
BIG_IMPORT_ROWS = 5000


def _counts(app) -> tuple[int, int]:
    """(IKM, audit events) stored."""
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Ikm)),
            db.session.scalar(select(func.count()).select_from(AuditEvent)),
        )


def test_the_command_imports_a_file_and_prints_a_summary(app, runner, tmp_path):
    """Exit 0, one summary line with the counts; a second run updates nothing and creates nothing."""
    path = tmp_path / "usulan.csv"
    path.write_bytes(to_csv(numbered_rows(3), encoding="utf-8-sig", delimiter=";"))
    result = runner.invoke(args=["import-ikm", str(path), "--region", "11.17"])
    assert result.exit_code == 0, result.output
    assert "3 rows, 3 created, 0 updated, 0 unchanged, 0 invalid" in result.output
    again = runner.invoke(args=["import-ikm", str(path), "--region", "11.17"])
    assert "0 created, 0 updated, 3 unchanged" in again.output
    assert _counts(app)[0] == 3


def test_the_command_lists_every_problem_and_writes_nothing(app, runner, tmp_path):
    """Exit 1; one line per problem with line, column and both languages."""
    rows = numbered_rows(2)
    rows[1]["owner_gender"] = "perempuan"
    path = tmp_path / "usulan.xlsx"
    path.write_bytes(to_xlsx(rows))
    result = runner.invoke(args=["import-ikm", str(path), "--region", "11.17"])
    assert result.exit_code == 1
    assert "line 3, owner_gender: Harus salah satu dari: female, male, undisclosed." in result.output
    assert "Must be one of: female, male, undisclosed. [perempuan]" in result.output
    assert _counts(app)[0] == 0


def test_partial_keeps_the_valid_rows_from_the_command_line(app, runner, tmp_path):
    """--partial: exit 0, the valid rows written, the problems listed."""
    rows = [*numbered_rows(2), row(nib="91200000000XX", name="Salah")]
    path = tmp_path / "usulan.csv"
    path.write_bytes(to_csv(rows))
    result = runner.invoke(args=["import-ikm", str(path), "--region", "11.17", "--partial"])
    assert result.exit_code == 0 and "2 created" in result.output and "line 4, nib" in result.output
    assert _counts(app)[0] == 2


def test_the_command_refuses_an_unknown_region_and_a_too_large_file(app, runner, tmp_path, monkeypatch):
    """--region must exist; IMPORT_MAX_BYTES applies to files on disk too."""
    path = tmp_path / "usulan.csv"
    path.write_bytes(to_csv(numbered_rows(20)))
    unknown = runner.invoke(args=["import-ikm", str(path), "--region", "99.99"])
    assert unknown.exit_code == 1 and "Unknown region" in unknown.output
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 1000)
    too_large = runner.invoke(args=["import-ikm", str(path), "--region", "11.17"])
    assert (
        too_large.exit_code == 1 and "File too large" in too_large.output and "limit is" in too_large.output
    )
    assert _counts(app)[0] == 0


@pytest.mark.slow
def test_killing_an_import_in_the_middle_leaves_the_database_as_before(app, client, auth, tmp_path):
    """SIGKILL while rows are being written: no IKM created or changed, no audit event kept."""
    admin = auth("admin")
    existing = numbered_rows(1)[0]
    seeded = client.post(
        "/api/v1/ikms",
        json={
            "name": existing["name"],
            "nib": existing["nib"],
            "region_code": "11.17",
            "employees": 3,
            "products": [{"description": "Kopi"}],
        },
        headers=admin,
    )
    assert seeded.status_code == 201
    before = _counts(app)
    path = tmp_path / "besar.csv"
    path.write_bytes(to_csv(numbered_rows(BIG_IMPORT_ROWS)))
    environment = {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "IMPORT_MAX_BYTES": str(path.stat().st_size + 1),
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "import-ikm", str(path), "--region", "11.17"],
        cwd=REPOSITORY,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        seen.append(line)
        if line.startswith("writing ") and int(line.split()[1].split("/")[0]) >= 300:
            os.kill(process.pid, signal.SIGKILL)
            break
    process.wait(timeout=60)
    output = process.stdout.read()
    process.stdout.close()
    process.stderr.close()
    assert process.returncode == -signal.SIGKILL, ("the import was not killed mid-way", seen[-5:], output)
    assert "created" not in output
    assert _counts(app) == before
    with app.app_context():
        stored = db.session.scalar(select(Ikm).where(Ikm.nib == existing["nib"]))
        assert stored.employees == 3 and stored.products[0].description == "Kopi"
