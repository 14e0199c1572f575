"""The policy versions the service knows: the current files (POLICY_DIR) and each overlay file of
POLICY_VERSIONS_DIR (`version`, `adopted_on`, `source` and `changes` to the current files).

Each version is a dated set of files: its adoption date and the content hash the engine computes over the
files it loads. A loaded version is kept per process (keyed by label and the current files' hash).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from flask import current_app
from sqlalchemy import bindparam, select

from app.engine.policy import load_version_file
from app.errors import NotFound
from app.extensions import db
from app.models import PolicyAdoption
from app.policies.changes import load_changed

_CACHE: dict[tuple[str, str], object] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class VersionFile:
    """One known version: its label, adoption date, source and how it is made from the current files."""

    label: str
    adopted_on: date | None
    source: str
    note: str | None
    changes: tuple  # () for the current files
    path: Path


def current_policy():
    """The policy the app loaded at boot (the current files)."""
    return current_app.extensions["policy"]


def _current_file() -> VersionFile:
    policy_dir = Path(current_app.config["POLICY_DIR"])
    document = yaml.safe_load((policy_dir / "thresholds.yaml").read_text(encoding="utf-8"))
    block = document.get("policy") or {}
    return VersionFile(
        label=current_policy().label,
        adopted_on=block.get("adopted_on"),
        source=block.get("source") or "",
        note=block.get("note"),
        changes=(),
        path=policy_dir,
    )


def version_files() -> list[VersionFile]:
    """Every known version, oldest adoption first."""
    found = [_current_file()]
    folder = Path(current_app.config["POLICY_VERSIONS_DIR"])
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else ():
        document = load_version_file(path)
        label = document["version"]
        if label == found[0].label:
            continue
        found.append(
            VersionFile(
                label=label,
                adopted_on=document.get("adopted_on"),
                source=document.get("source") or "",
                note=document.get("note"),
                changes=tuple(document.get("changes") or ()),
                path=path,
            )
        )
    return sorted(found, key=lambda item: (item.adopted_on or date.min, item.label))


def version_file(label: str) -> VersionFile:
    """A known version by label, or 404."""
    for item in version_files():
        if item.label == label:
            return item
    raise NotFound(f"Versi kebijakan {label!r} tidak dikenal. / Unknown policy version {label!r}.")


def load_version(label: str):
    """The loaded Policy of a version (the app's own for the current files)."""
    current = current_policy()
    if label == current.label:
        return current
    key = (label, current.content_hash)
    found = _CACHE.get(key)
    if found is not None:
        return found
    item = version_file(label)
    if not item.changes:
        return current
    with _LOCK:
        found = _CACHE.get(key)
        if found is None:
            found = _CACHE[key] = load_changed(Path(current_app.config["POLICY_DIR"]), list(item.changes))
    return found


_ADOPTIONS = PolicyAdoption.__table__
# Table columns, not the model's attributes: a Core statement skips the ORM's per-execution work (about
# 0.25 ms of CPU for this one-value read, which every assessment request makes).
_LATEST_ADOPTION = (
    select(_ADOPTIONS.c.version)
    .where(_ADOPTIONS.c.effective_from <= bindparam("as_of"))
    .order_by(_ADOPTIONS.c.effective_from.desc(), _ADOPTIONS.c.id.desc())
    .limit(1)
)


def policy_in_force(as_of: date):
    """The policy a new assessment as of a date uses: the version an admin adopted latest from that date or
    before, else the current files (POLICY_DIR)."""
    label = db.session.execute(_LATEST_ADOPTION, {"as_of": as_of}).scalar()
    return current_policy() if label is None else load_version(label)


def with_changes(label: str, changes: list[dict]):
    """A version with further changes applied (a simulation's reform); ChangeError when they do not fit."""
    item = version_file(label)
    return load_changed(Path(current_app.config["POLICY_DIR"]), [*item.changes, *changes])


def versions_view() -> list[dict]:
    """Every version with its adoption date, content hash, source and whether it is the current one."""
    current = current_policy().label
    rows = []
    for item in version_files():
        policy = load_version(item.label)
        rows.append(
            {
                "version": item.label,
                "adopted_on": item.adopted_on,
                "content_hash": policy.content_hash,
                "source": item.source,
                "note": item.note,
                "current": item.label == current,
                "changes_to_current": len(item.changes),
                "requirements": len(policy.requirements),
                "programmes": len(policy.programmes),
            }
        )
    return rows
