"""Races that the database settles answer 409, never 500: one NIB registered or imported twice at once."""

from __future__ import annotations

import io
import threading

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Ikm
from app.services import ikms as ikm_service
from app.services import imports as import_service
from tests.imports.rows import numbered_rows, to_csv
from tests.profiles import gayo


@pytest.fixture
def postgresql_only(app):
    """Skip on SQLite: it serialises writers on the whole file, so the race cannot happen the same way."""
    if app.config["DATABASE_BACKEND"] != "postgresql":
        pytest.skip("real concurrent writers need PostgreSQL (set TEST_DATABASE_URL); SQLite locks the file")


def _at_once(count: int, send) -> list:
    """Run `send(index)` in `count` threads at once and return their answers in order."""
    answers: list = [None] * count

    def run(index: int) -> None:
        answers[index] = send(index)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def _wait_once(monkeypatch, module, name: str, parties: int) -> None:
    """Make module.name wait at a barrier the first time each thread calls it (after the real call)."""
    barrier = threading.Barrier(parties, timeout=60)
    original = getattr(module, name)
    passed: set[int] = set()

    def call_then_wait(*args, **kwargs):
        result = original(*args, **kwargs)
        if threading.get_ident() not in passed:
            passed.add(threading.get_ident())
            barrier.wait()
        return result

    monkeypatch.setattr(module, name, call_then_wait)


def _ikm_count(app) -> int:
    """How many IKM are stored."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Ikm))


def test_parallel_registrations_of_one_nib_store_one_ikm_and_answer_409(
    postgresql_only, app, monkeypatch, auth
):
    """Eight requests pass the NIB check together; the unique index keeps one, the others get 409."""
    parties = 8
    headers = [auth("admin") for _ in range(parties)]
    _wait_once(monkeypatch, ikm_service, "_check_nib_free", parties)
    answers = _at_once(
        parties, lambda index: app.test_client().post("/api/v1/ikms", json=gayo(), headers=headers[index])
    )
    monkeypatch.undo()
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] + [409] * (parties - 1), [answer.json for answer in answers]
    loser = next(answer for answer in answers if answer.status_code == 409).json
    assert "nib" in loser["errors"]["json"]
    assert _ikm_count(app) == 1


def test_two_simultaneous_imports_of_one_new_file_write_it_once(postgresql_only, app, monkeypatch, auth):
    """Both validate against an empty table; one writes the file, the other gets 409 with nothing kept."""
    headers = [auth("district", region="11.17") for _ in range(2)]
    content = to_csv(numbered_rows(5))
    _wait_once(monkeypatch, import_service, "_RowChecker", 2)

    def send(index: int):
        return app.test_client().post(
            "/api/v1/imports",
            data={"file": (io.BytesIO(content), "ikm.csv")},
            content_type="multipart/form-data",
            headers=headers[index],
        )

    answers = _at_once(2, send)
    monkeypatch.undo()
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201, 409], [answer.json for answer in answers]
    assert _ikm_count(app) == 5
