"""The audit trail: append-only events (who, when, what, before, after), written in the same transaction
as the change they record, so a change is never stored without its event nor an event without its change.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import event, select

from app.extensions import db
from app.models import AuditEvent, User

SYSTEM_LABEL = "system"


class AuditTrailIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete a recorded audit event."""


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(mapper, connection, target) -> None:
    """Audit events are never changed (see README "Audit trail" for the database-side guard)."""
    raise AuditTrailIsAppendOnly(f"audit event {target.id} cannot be changed")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(mapper, connection, target) -> None:
    """Audit events are never deleted."""
    raise AuditTrailIsAppendOnly(f"audit event {target.id} cannot be deleted")


def _json_default(value):
    """Dates as ISO strings, decimals as numbers, anything else as text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


def jsonable(value):
    """A JSON-safe deep copy of `value` (what the JSON column stores)."""
    if value is None:
        return None
    return json.loads(json.dumps(value, default=_json_default))


def changed_fields(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys whose values differ, as (before, after)."""
    before, after = jsonable(before) or {}, jsonable(after) or {}
    keys = sorted(key for key in set(before) | set(after) if before.get(key) != after.get(key))
    return {key: before.get(key) for key in keys}, {key: after.get(key) for key in keys}


def _actor_fields(actor) -> tuple[int | None, str]:
    """The actor's id and label: a user, a label such as "cli", or whoever acts in this request."""
    if actor is None:
        from app.auth import current_actor

        actor = current_actor()
    if isinstance(actor, User):
        return actor.id, actor.email
    return None, actor or SYSTEM_LABEL


def record(
    action: str,
    entity_type: str,
    entity_id,
    *,
    before: dict | None = None,
    after: dict | None = None,
    actor: User | str | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction (it is committed with the change it describes)."""
    from app.auth import client_address

    actor_id, actor_label = _actor_fields(actor)
    audit_event = AuditEvent(
        action=action,
        entity_type=entity_type,
        entity_id=None if entity_id is None else str(entity_id),
        before=jsonable(before),
        after=jsonable(after),
        actor_id=actor_id,
        actor_label=actor_label,
        remote_addr=client_address(),
    )
    db.session.add(audit_event)
    return audit_event


def record_export(what: str, filters: dict | None = None, rows: int | None = None, actor=None) -> AuditEvent:
    """Record a data export (reports, spreadsheets): what was exported, with which filters, how many rows."""
    return record("export", "export", what, after={"filters": filters or {}, "rows": rows}, actor=actor)


def history(entity_type: str, entity_id) -> list[AuditEvent]:
    """The events of one entity in the order they were written (ids grow; `at` is per transaction)."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == str(entity_id))
        .order_by(AuditEvent.id)
    )
    return db.session.scalars(query).all()


def event_as_dict(audit_event: AuditEvent) -> dict:
    """An event as the API shows it."""
    return {
        "id": audit_event.id,
        "at": audit_event.at,
        "actor_id": audit_event.actor_id,
        "actor": audit_event.actor_label,
        "action": audit_event.action,
        "entity_type": audit_event.entity_type,
        "entity_id": audit_event.entity_id,
        "before": audit_event.before,
        "after": audit_event.after,
    }
