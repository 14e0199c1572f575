"""Owner invitations: a district officer or an advisor invites an IKM's owner by e-mail; the one-time link
creates the owner's account, linked to that IKM."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.auth import access
from app.errors import Conflict, InvalidInput, NotFound
from app.extensions import db
from app.models import Ikm, OwnerInvitation, User
from app.services import audit, clock, users
from app.services.clock import as_utc

INVITER_ROLES = frozenset({"district", "province", "advisor", "supervisor", "admin"})


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_owner(actor: User | None, ikm_id: int, email: str) -> tuple[OwnerInvitation, str]:
    """Create an invitation for the IKM's owner at `email`; returns it with the token (shown once)."""
    actor = access.require_role(actor, INVITER_ROLES)
    ikm = db.session.get(Ikm, ikm_id)
    if ikm is None:
        raise NotFound(f"IKM {ikm_id} tidak ditemukan. / IKM {ikm_id} not found.")
    access.require_ikm_access(actor, ikm)
    email = users.normalise_email(email or "")
    if not users.plausible_email(email):
        message = "Alamat e-mail tidak valid. / Not a valid e-mail address."
        raise InvalidInput(message, errors={"form": {"email": [message]}})
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise Conflict(f"Akun {email} sudah ada. / Account {email} already exists.")
    token = secrets.token_urlsafe(32)
    invitation = OwnerInvitation(
        ikm_id=ikm.id,
        email=email,
        token_hash=_hash(token),
        invited_by_id=actor.id,
        expires_at=clock.utcnow() + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record(
        "invitation.create",
        "owner_invitation",
        invitation.id,
        after={"ikm_id": ikm.id, "email": email},
        actor=actor,
    )
    db.session.commit()
    return invitation, token


def open_invitation(token: str) -> OwnerInvitation:
    """The invitation behind a link, while it can still be used (404 otherwise: unknown, used or expired)."""
    invitation = db.session.scalar(
        select(OwnerInvitation).where(OwnerInvitation.token_hash == _hash(token or ""))
    )
    if (
        invitation is None
        or invitation.accepted_at is not None
        or as_utc(invitation.expires_at) < clock.utcnow()
    ):
        raise NotFound("Undangan tidak berlaku lagi. / This invitation is no longer valid.")
    return invitation


def accept(token: str, password: str) -> User:
    """Create the owner's account from the invitation (once); the invitation and the account in one commit."""
    invitation = open_invitation(token)
    invitation.accepted_at = clock.utcnow()
    try:
        user = users.create_user(invitation.email, "owner", ikm_id=invitation.ikm_id, password=password)
        invitation.accepted_user_id = user.id
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("Undangan ini sudah dipakai. / This invitation was already used.") from None
    except Exception:
        db.session.rollback()
        raise
    return user


def invitation_days() -> int:
    """How many days an invitation link works."""
    return current_app.config["INVITATION_DAYS"]
