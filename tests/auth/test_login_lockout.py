"""Password sign-in: hashed passwords, lock-out after LOGIN_MAX_FAILED_ATTEMPTS, audited attempts."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, User
from app.services import clock, users
from app.services.users import LoginRefused

PASSWORD = "kopi-gayo-2026"


@pytest.fixture
def advisor(app_context, make_user):
    """An advisor with a password; returns the e-mail."""
    user, _ = make_user("advisor", password=PASSWORD)
    return user.email


def test_the_password_is_stored_hashed(advisor):
    """Only a werkzeug hash is stored."""
    stored = db.session.scalar(select(User.password_hash).where(User.email == advisor))
    assert PASSWORD not in stored and stored.startswith(("scrypt:", "pbkdf2:"))


def test_a_correct_password_signs_in_and_is_audited(advisor):
    """authenticate() returns the user and writes a user.login event."""
    assert users.authenticate(advisor.upper(), PASSWORD).email == advisor
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "user.login" in actions


def test_an_unknown_email_and_a_wrong_password_get_the_same_answer(advisor):
    """No account probing: the same message either way."""
    with pytest.raises(LoginRefused) as unknown:
        users.authenticate("nobody@example.id", PASSWORD)
    with pytest.raises(LoginRefused) as wrong:
        users.authenticate(advisor, "wrong-password")
    assert unknown.value.message == wrong.value.message


def test_the_account_locks_after_the_configured_failures_and_opens_again_later(app, advisor, monkeypatch):
    """After N failures even the right password is refused until LOGIN_LOCKOUT_MINUTES have passed."""
    limit = app.config["LOGIN_MAX_FAILED_ATTEMPTS"]
    for _ in range(limit - 1):
        with pytest.raises(LoginRefused) as refused:
            users.authenticate(advisor, "wrong-password")
        assert refused.value.reason == "wrong_password"
    with pytest.raises(LoginRefused) as refused:
        users.authenticate(advisor, "wrong-password")
    assert refused.value.reason == "locked"
    with pytest.raises(LoginRefused) as refused:
        users.authenticate(advisor, PASSWORD)
    assert refused.value.reason == "locked"
    later = clock.utcnow() + timedelta(minutes=app.config["LOGIN_LOCKOUT_MINUTES"], seconds=1)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    assert users.authenticate(advisor, PASSWORD).email == advisor
    user = db.session.scalar(select(User).where(User.email == advisor))
    assert user.failed_logins == 0 and user.locked_until is None


def test_after_an_expired_lock_a_wrong_password_counts_afresh(app, advisor, monkeypatch):
    """Once the lock has expired, the next wrong password is failure 1 (not a new lock at once)."""
    limit = app.config["LOGIN_MAX_FAILED_ATTEMPTS"]
    for _ in range(limit):
        with pytest.raises(LoginRefused):
            users.authenticate(advisor, "wrong-password")
    later = clock.utcnow() + timedelta(minutes=app.config["LOGIN_LOCKOUT_MINUTES"], seconds=1)
    monkeypatch.setattr(clock, "utcnow", lambda: later)
    with pytest.raises(LoginRefused) as refused:
        users.authenticate(advisor, "wrong-password")
    assert refused.value.reason == "wrong_password"
    user = db.session.scalar(select(User).where(User.email == advisor))
    db.session.refresh(user)
    assert user.failed_logins == 1 and user.locked_until is None


def test_the_failure_limit_is_configurable(app, advisor, monkeypatch):
    """LOGIN_MAX_FAILED_ATTEMPTS = 2 locks on the second failure."""
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILED_ATTEMPTS", 2)
    with pytest.raises(LoginRefused) as refused:
        users.authenticate(advisor, "x")
    assert refused.value.reason == "wrong_password"
    with pytest.raises(LoginRefused) as refused:
        users.authenticate(advisor, "x")
    assert refused.value.reason == "locked"


def test_a_success_resets_the_failure_count(advisor):
    """Failures only count when consecutive."""
    for _ in range(3):
        with pytest.raises(LoginRefused):
            users.authenticate(advisor, "wrong")
    users.authenticate(advisor, PASSWORD)
    assert db.session.scalar(select(User.failed_logins).where(User.email == advisor)) == 0


def test_a_deactivated_account_cannot_sign_in_and_is_not_told_so(advisor):
    """Deactivation refuses the right password too, with the answer an unknown address gets."""
    users.set_active(users.get_user_by_email(advisor), False, actor="test")
    with pytest.raises(LoginRefused) as refused:
        users.authenticate(advisor, PASSWORD)
    with pytest.raises(LoginRefused) as unknown:
        users.authenticate("nobody@example.id", PASSWORD)
    assert refused.value.reason == "deactivated" and "deactivated" not in refused.value.message
    assert refused.value.message == unknown.value.message


def test_a_locked_account_and_an_unknown_address_get_the_same_answer(app, advisor):
    """The lock-out shows for unknown addresses too: nobody learns which accounts exist."""
    for _ in range(app.config["LOGIN_MAX_FAILED_ATTEMPTS"]):
        with pytest.raises(LoginRefused):
            users.authenticate(advisor, "wrong-password")
    answers = {}
    for email in (advisor, "nobody@example.id"):
        for _ in range(app.config["LOGIN_MAX_FAILED_ATTEMPTS"] + 1):
            with pytest.raises(LoginRefused) as refused:
                users.authenticate(email, "wrong-password")
        answers[email] = refused.value
    assert answers[advisor].reason == "locked" and answers["nobody@example.id"].reason == "unknown"
    assert answers[advisor].message == answers["nobody@example.id"].message


def test_simultaneous_wrong_passwords_are_all_counted_and_lock_the_account(app, make_user, monkeypatch):
    """Ten attempts that all read the account before any of them counts: the count is 10, it is locked.

    Each attempt waits at a barrier right after its password check, so every one read failed_logins = 0
    first (the lost update of a read-then-write count). PostgreSQL runs them on separate connections.
    """
    if app.config["DATABASE_BACKEND"] != "postgresql":
        pytest.skip("real concurrent writers need PostgreSQL (set TEST_DATABASE_URL)")
    attempts = 10
    account, _ = make_user("advisor", password=PASSWORD)
    barrier = threading.Barrier(attempts, timeout=60)
    original = users.check_password_hash

    def check_then_wait(stored, given):
        result = original(stored, given)
        barrier.wait()
        return result

    monkeypatch.setattr(users, "check_password_hash", check_then_wait)
    reasons: list = []

    def attempt() -> None:
        with app.app_context():
            try:
                users.authenticate(account.email, "wrong-password")
            except LoginRefused as refused:
                reasons.append(refused.reason)

    threads = [threading.Thread(target=attempt) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    monkeypatch.undo()
    assert len(reasons) == attempts
    with app.app_context():
        stored = db.session.get(User, account.id)
        assert stored.failed_logins == attempts and stored.locked_until is not None
        failures = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "user.login_failed", AuditEvent.actor_id == account.id
            )
        ).all()
    assert sorted(event.after["failed_logins"] for event in failures) == list(range(1, attempts + 1))


@pytest.mark.parametrize(
    "email", ["a\x00b@example.id", "advisor\n@example.id", "", "x" * 300 + "@example.id"]
)
def test_an_implausible_email_is_refused_like_a_wrong_one(advisor, email):
    """Control characters (PostgreSQL refuses NUL) or overlong input: the usual refusal, no server error."""
    with pytest.raises(LoginRefused) as refused:
        users.authenticate(email, PASSWORD)
    assert refused.value.reason == "unknown" and refused.value.message == users.REFUSED_MESSAGE
