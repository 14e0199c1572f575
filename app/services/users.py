"""Accounts: creation, passwords with lock-out, API tokens (stored hashed, revocable), demo logins."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

import yaml
from flask import current_app
from sqlalchemy import and_, bindparam, case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from app import reference
from app.auth.tokens import derived_secret, new_token, token_hash
from app.errors import Conflict, DomainError, InvalidInput, NotFound
from app.extensions import db
from app.models import ApiToken, Ikm, User
from app.models.user import ROLES
from app.services import audit, clock
from app.services.clock import as_utc

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+\Z")
DEMO_FILE = "demo_users.yaml"
DEMO_TOKEN_LABEL = "demo"
# A token's last use is written at most this often, not on every request.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


@lru_cache(maxsize=1)
def _unknown_user_hash() -> str:
    """A hash checked when the e-mail is unknown, so both failures take the same time (made at first use)."""
    return generate_password_hash("unknown-user-placeholder")


# Every refused sign-in gets this one answer, so nobody can tell an unknown address from a locked, a
# deactivated or an existing account (the audit trail keeps the real reason).
REFUSED_MESSAGE = (
    "E-mail atau kata sandi salah, atau akun dikunci sementara setelah terlalu banyak percobaan gagal. / "
    "Wrong e-mail or password, or the account is locked for a while after too many failed attempts."
)


class LoginRefused(DomainError):
    """Wrong e-mail or password, a locked or a deactivated account (one message; the reason in `extra`)."""

    status = 401

    def __init__(self, reason: str) -> None:
        super().__init__(REFUSED_MESSAGE)
        # Why sign-in was refused: unknown, wrong_password, locked or deactivated (never shown to anyone).
        self.reason = reason


@dataclass(frozen=True)
class DemoLogin:
    """What `users demo` prints for one role."""

    role: str
    email: str
    password: str
    token: str
    region_code: str | None
    ikm_id: int | None


def normalise_email(email: str) -> str:
    """E-mail addresses are compared trimmed and in lower case."""
    return (email or "").strip().lower()


def plausible_email(email: str) -> bool:
    """Whether a normalised address can be looked up (no control characters, which PostgreSQL refuses)."""
    has_control_characters = any(ord(char) < 32 for char in email)
    return bool(EMAIL_PATTERN.match(email)) and len(email) <= 254 and not has_control_characters


def _find_by_email(email: str) -> User | None:
    """The account with this address, or None (implausible addresses are not even looked up)."""
    email = normalise_email(email)
    if not plausible_email(email):
        return None
    return db.session.scalar(select(User).where(func.lower(User.email) == email))


def account_errors(email: str, role: str, region_code: str | None, ikm_id: int | None) -> dict:
    """Field errors of a new account: e-mail, role, and the region or IKM the role needs."""
    errors: dict[str, list[str]] = {}
    if not plausible_email(email):
        errors["email"] = ["Alamat e-mail tidak valid. / Not a valid e-mail address."]
    if role not in ROLES:
        errors["role"] = [f"Peran harus salah satu dari / Role must be one of: {', '.join(ROLES)}."]
    if role == "district" and region_code not in reference.regency_codes():
        errors["region"] = [
            "Akun kabupaten/kota perlu kode PP.KK yang ada. / A district account needs a PP.KK code."
        ]
    if role == "province" and region_code not in reference.province_codes():
        errors["region"] = [
            "Akun provinsi perlu kode provinsi PP yang ada. / A province account needs an existing PP code."
        ]
    if role not in ("district", "province") and region_code:
        errors["region"] = ["Hanya akun kabupaten/provinsi yang punya wilayah. / Only district and province."]
    if ikm_id is not None and role != "owner":
        errors["ikm"] = ["Hanya akun pemilik yang terhubung ke IKM. / Only owner accounts link to an IKM."]
    if ikm_id is not None and db.session.get(Ikm, ikm_id) is None:
        errors["ikm"] = [f"IKM {ikm_id} tidak ditemukan. / IKM {ikm_id} not found."]
    return errors


def password_errors(password: str) -> list[str]:
    """What is wrong with a new password (empty when it is acceptable)."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        return [f"Kata sandi minimal {minimum} karakter. / The password needs at least {minimum} characters."]
    return []


def account_as_dict(user: User) -> dict:
    """An account as shown to its owner and in the audit trail (never the password hash)."""
    return {
        "id": user.id,
        "email": user.email,
        "role": user.role,
        "region_code": user.region_code,
        "ikm_id": user.ikm_id,
        "active": user.active,
    }


def create_user(
    email: str,
    role: str,
    region_code: str | None = None,
    ikm_id: int | None = None,
    password: str | None = None,
    actor=None,
) -> User:
    """Create an account (without a password it is token-only); 422 on bad fields, 409 on a taken e-mail."""
    email = normalise_email(email)
    errors = account_errors(email, role, region_code, ikm_id)
    if password is not None and password_errors(password):
        errors["password"] = password_errors(password)
    if errors:
        raise InvalidInput("Akun tidak valid. / Invalid account.", errors=errors)
    user = User(
        email=email,
        role=role,
        region_code=region_code or None,
        ikm_id=ikm_id,
        password_hash=generate_password_hash(password) if password else None,
        active=True,
        failed_logins=0,
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as error:  # uq_users_email (e-mails are stored normalised), also against a race
        db.session.rollback()
        if _find_by_email(email) is None:
            raise
        raise Conflict(f"Akun {email} sudah ada. / Account {email} already exists.") from error
    audit.record("user.create", "user", user.id, after=account_as_dict(user), actor=actor)
    db.session.commit()
    return user


def get_user_by_email(email: str) -> User:
    """One account by e-mail, or 404."""
    user = _find_by_email(email)
    if user is None:
        raise NotFound(f"Akun {email} tidak ditemukan. / Account {email} not found.")
    return user


def list_users(role: str | None = None, active_only: bool = True) -> list[User]:
    """Accounts, optionally of one role, by e-mail."""
    query = select(User).order_by(User.email)
    if role:
        query = query.where(User.role == role)
    if active_only:
        query = query.where(User.active.is_(True))
    return db.session.scalars(query).all()


def users_by_id(ids) -> dict[int, User]:
    """Accounts by id (active or not), for naming the people in a history; unknown ids are left out."""
    wanted = {int(value) for value in ids if value is not None}
    if not wanted:
        return {}
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(wanted)))}


def issue_token(user: User, label: str | None = None, actor=None, token: str | None = None) -> str:
    """Create an API token for the user and return it; only its hash is stored."""
    token = token or new_token()
    api_token = ApiToken(user_id=user.id, token_hash=token_hash(token), label=label)
    db.session.add(api_token)
    db.session.flush()
    audit.record(
        "token.create", "user", user.id, after={"token_id": api_token.id, "label": label}, actor=actor
    )
    db.session.commit()
    return token


def revoke_token(api_token: ApiToken, actor=None) -> None:
    """Revoke one token (idempotent); requests with it get 401 from now on."""
    if api_token.revoked_at is not None:
        return
    api_token.revoked_at = clock.utcnow()
    audit.record("token.revoke", "user", api_token.user_id, after={"token_id": api_token.id}, actor=actor)
    db.session.commit()


def revoke_tokens(user: User, actor=None) -> int:
    """Revoke every live token of a user; return how many were revoked."""
    live = [api_token for api_token in user.tokens if api_token.revoked_at is None]
    for api_token in live:
        api_token.revoked_at = clock.utcnow()
    audit.record("token.revoke", "user", user.id, after={"token_ids": [t.id for t in live]}, actor=actor)
    db.session.commit()
    return len(live)


def token_record(token: str) -> ApiToken | None:
    """The stored token matching a presented one (revoked or not), or None."""
    query = (
        select(ApiToken).options(joinedload(ApiToken.user)).where(ApiToken.token_hash == token_hash(token))
    )
    return db.session.scalar(query)


# Built once (building the statement cost as much CPU as running it from the cache).
_TOKEN_OWNER = (
    select(User, ApiToken.id, ApiToken.revoked_at, ApiToken.last_used_at)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(ApiToken.token_hash == bindparam("token_hash"))
)


def user_for_token(token: str) -> User | None:
    """The active owner of a live token (None for unknown, revoked or deactivated); notes its last use.

    Runs on every API request with a token: the owner and the three token columns it needs in one query,
    without loading the token as an object (a joined eager load cost about 0.4 ms more CPU per request).
    """
    found = db.session.execute(_TOKEN_OWNER, {"token_hash": token_hash(token)}).first()
    if found is None:
        return None
    user, token_id, revoked_at, last_used_at = found
    if revoked_at is not None or not user.active:
        return None
    now = clock.utcnow()
    last_used = as_utc(last_used_at)
    if last_used is None or now - last_used > TOKEN_TOUCH_INTERVAL:
        db.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
        db.session.commit()
    return user


def authenticate(email: str, password: str) -> User:
    """Check an e-mail and password; count failures and lock the account after LOGIN_MAX_FAILED_ATTEMPTS.

    Every refusal raises LoginRefused with the same message; its `reason` is for the tests only.
    """
    user = _find_by_email(email)
    if user is None or not user.password_hash:
        check_password_hash(_unknown_user_hash(), password or "")
        label = "".join(char for char in normalise_email(email) if ord(char) >= 32)[:254]
        audit.record("user.login_failed", "user", None, after={"email": label}, actor=label or "unknown")
        db.session.commit()
        raise LoginRefused("unknown")
    password_ok = check_password_hash(user.password_hash, password or "")  # timed the same in every case
    now = clock.utcnow()
    if user.locked_until is not None and as_utc(user.locked_until) > now:
        audit.record("user.login_refused_locked", "user", user.id, actor=user)
        db.session.commit()
        raise LoginRefused("locked")
    if not password_ok:
        _count_failure(user, now)
    if not user.active:
        audit.record("user.login_refused_inactive", "user", user.id, actor=user)
        db.session.commit()
        raise LoginRefused("deactivated")
    user.failed_logins = 0
    user.locked_until = None
    audit.record("user.login", "user", user.id, actor=user)
    db.session.commit()
    return user


def _count_failure(user: User, now) -> None:
    """Count a wrong password atomically in the database; lock the account at the limit; always refuse.

    One `UPDATE … SET failed_logins = … + 1, locked_until = CASE … END … RETURNING`: every SET reads the row
    as it was, and a simultaneous attempt waits for the row lock and then counts on the updated row, so no
    count is lost. An expired lock starts the count afresh; reaching the limit sets the new lock.
    """
    config = current_app.config
    locked_until = now + timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"])
    expired = and_(User.locked_until.is_not(None), User.locked_until <= now)
    count = case((expired, 0), else_=func.coalesce(User.failed_logins, 0)) + 1
    lock = case(
        (count >= config["LOGIN_MAX_FAILED_ATTEMPTS"], locked_until),
        (expired, None),
        else_=User.locked_until,
    )
    count = db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(failed_logins=count, locked_until=lock)
        .returning(User.failed_logins)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    after: dict = {"failed_logins": count}
    reason = "wrong_password"
    if count >= config["LOGIN_MAX_FAILED_ATTEMPTS"]:
        after["locked_until"] = locked_until
        reason = "locked"
    db.session.expire(user, ["failed_logins", "locked_until"])
    audit.record("user.login_failed", "user", user.id, after=after, actor=user)
    db.session.commit()
    raise LoginRefused(reason)


def record_logout(user: User) -> None:
    """Note a sign-out in the audit trail."""
    audit.record("user.logout", "user", user.id, actor=user)
    db.session.commit()


def set_password(user: User, password: str, actor=None) -> None:
    """Set a new password (checked against PASSWORD_MIN_LENGTH) and clear any lock."""
    problems = password_errors(password)
    if problems:
        raise InvalidInput("Kata sandi tidak valid. / Invalid password.", errors={"password": problems})
    user.password_hash = generate_password_hash(password)
    user.failed_logins, user.locked_until = 0, None
    audit.record("user.password", "user", user.id, after={"password": "changed"}, actor=actor)
    db.session.commit()


def set_active(user: User, active: bool, actor=None) -> None:
    """Deactivate (or reactivate) an account; a deactivated account's tokens and sessions stop working."""
    before = account_as_dict(user)
    user.active = active
    audit.record("user.update", "user", user.id, before=before, after=account_as_dict(user), actor=actor)
    db.session.commit()


def unlock(user: User, actor=None) -> None:
    """Lift a lock-out before it expires."""
    user.failed_logins, user.locked_until = 0, None
    audit.record("user.unlock", "user", user.id, actor=actor)
    db.session.commit()


def demo_definitions(directory: Path) -> list[dict]:
    """The demo accounts of data/workflow/demo_users.yaml, one per role."""
    with open(Path(directory) / DEMO_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)["users"]


def _demo_owner_ikm(region_code: str | None) -> int | None:
    """The IKM the demo owner stands for: the first in the demo district, else the first at all."""
    first_in_region = db.session.scalar(
        select(Ikm.id).where(Ikm.region_code == region_code).order_by(Ikm.id).limit(1)
    )
    return first_in_region or db.session.scalar(select(Ikm.id).order_by(Ikm.id).limit(1))


def ensure_demo_users(directory: Path, secret_key: str) -> list[DemoLogin]:
    """Create the demo accounts that are missing and return every demo login (same values on every run)."""
    definitions = demo_definitions(directory)
    district_region = next((d.get("region") for d in definitions if d["role"] == "district"), None)
    logins = []
    for definition in definitions:
        email, role = normalise_email(definition["email"]), definition["role"]
        password = derived_secret(secret_key, f"demo-password:{email}", 16)
        token = "ovop_demo_" + derived_secret(secret_key, f"demo-token:{email}", 40)
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            ikm_id = _demo_owner_ikm(district_region) if role == "owner" else None
            user = create_user(email, role, definition.get("region"), ikm_id, password, actor="cli")
        elif not user.password_hash or not check_password_hash(user.password_hash, password):
            set_password(user, password, actor="cli")
        if token_record(token) is None:
            issue_token(user, DEMO_TOKEN_LABEL, actor="cli", token=token)
        logins.append(DemoLogin(role, email, password, token, user.region_code, user.ikm_id))
    return logins
