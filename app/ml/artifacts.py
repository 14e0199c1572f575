"""Versioned model artifacts: models/<name>/<version>/ with a skops file, metadata.json and a model card.

Artifacts are written with skops.io (never pickle) and loaded with an explicit list of trusted types.
Loading refuses an artifact built with another scikit-learn version or whose file hash does not match its
metadata, so a model is never silently used outside the environment it was validated in. Library versions
are read from the installed package metadata, so checking an artifact does not import scikit-learn; skops
(and with it scikit-learn) is imported only to write or load one.
"""

from __future__ import annotations

import hashlib
import json
import platform
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

ARTIFACT_FILE = "model.skops"
METADATA_FILE = "metadata.json"
MODEL_CARD_FILE = "MODEL_CARD.md"
_VERSION_DIR = re.compile(r"^(\d{4}\.\d{2}\.\d{2})-(\d+)$")


class ArtifactError(RuntimeError):
    """A model artifact is missing, corrupt, untrusted or built with another scikit-learn version."""


@dataclass(frozen=True)
class LoadedArtifact:
    """An artifact's object, its metadata and the directory it came from."""

    obj: Any
    metadata: dict[str, Any]
    directory: Path

    @property
    def version(self) -> str:
        """Full version string, e.g. "hs-classifier/2026.11.27-1"."""
        return f"{self.metadata['name']}/{self.metadata['version']}"


def sha256_file(path: Path) -> str:
    """SHA-256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def environment_versions() -> dict[str, str]:
    """Library and Python versions recorded in (and checked against) every artifact's metadata."""
    return {
        "sklearn_version": installed_version("scikit-learn"),
        "python_version": platform.python_version(),
        "numpy_version": installed_version("numpy"),
        "scipy_version": installed_version("scipy"),
        "skops_version": installed_version("skops"),
    }


def version_dirs(models_dir: Path, name: str) -> list[Path]:
    """Version directories of one model, oldest first (by date, then sequence number)."""
    base = Path(models_dir) / name
    if not base.is_dir():
        return []
    found = []
    for child in base.iterdir():
        match = _VERSION_DIR.match(child.name)
        if child.is_dir() and match:
            found.append(((match.group(1), int(match.group(2))), child))
    return [path for _, path in sorted(found)]


def latest_version_dir(models_dir: Path, name: str) -> Path | None:
    """The newest version directory of a model that has metadata, or None."""
    candidates = [path for path in version_dirs(models_dir, name) if (path / METADATA_FILE).is_file()]
    return candidates[-1] if candidates else None


def next_version(models_dir: Path, name: str, now: datetime | None = None) -> str:
    """Next free version label for today, e.g. "2026.11.27-2" when "-1" exists."""
    day = (now or datetime.now(UTC)).strftime("%Y.%m.%d")
    taken = [
        int(m.group(2))
        for p in version_dirs(models_dir, name)
        if (m := _VERSION_DIR.match(p.name)) and m.group(1) == day
    ]
    return f"{day}-{max(taken, default=0) + 1}"


def save_artifact(
    models_dir: Path,
    name: str,
    obj: Any,
    metadata: dict[str, Any],
    model_card: str,
    extra_files: dict[str, str] | None = None,
) -> Path:
    """Write obj (skops), metadata.json, MODEL_CARD.md and extra text files to a new version directory."""
    import skops.io

    version = next_version(models_dir, name)
    directory = Path(models_dir) / name / version
    directory.mkdir(parents=True, exist_ok=False)
    artifact_path = directory / ARTIFACT_FILE
    skops.io.dump(obj, artifact_path, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    full = {
        "name": name,
        "version": version,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        **environment_versions(),
        "artifact_file": ARTIFACT_FILE,
        "artifact_sha256": sha256_file(artifact_path),
        **metadata,
    }
    (directory / METADATA_FILE).write_text(
        json.dumps(full, indent=2, sort_keys=False) + "\n", encoding="utf-8"
    )
    card = model_card.replace("{version}", f"{name}/{version}")
    (directory / MODEL_CARD_FILE).write_text(card, encoding="utf-8")
    for file_name, text in (extra_files or {}).items():
        (directory / file_name).write_text(text, encoding="utf-8")
    return directory


def prune_versions(models_dir: Path, name: str, keep: int) -> list[Path]:
    """Delete all but the newest `keep` version directories of a model; return the deleted ones."""
    import shutil

    old = version_dirs(models_dir, name)[:-keep] if keep > 0 else []
    for directory in old:
        shutil.rmtree(directory)
    return old


def read_metadata(directory: Path) -> dict[str, Any]:
    """Read an artifact directory's metadata.json (ArtifactError when missing or unreadable)."""
    path = Path(directory) / METADATA_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ArtifactError(f"{path}: cannot read artifact metadata ({error})") from error


def check_artifact(directory: Path) -> dict[str, Any]:
    """Check scikit-learn version and file hash of an artifact; return its metadata or raise ArtifactError."""
    directory = Path(directory)
    metadata = read_metadata(directory)
    built_with = metadata.get("sklearn_version")
    installed = installed_version("scikit-learn")
    if built_with != installed:
        raise ArtifactError(
            f"{directory}: built with scikit-learn {built_with}, this environment has {installed}; "
            "refusing to load it. Retrain with `flask --app wsgi ml ensure-models`."
        )
    artifact_path = directory / metadata.get("artifact_file", ARTIFACT_FILE)
    if not artifact_path.is_file():
        raise ArtifactError(f"{artifact_path}: artifact file is missing")
    actual = sha256_file(artifact_path)
    if actual != metadata.get("artifact_sha256"):
        raise ArtifactError(
            f"{artifact_path}: SHA-256 {actual[:12]}… does not match metadata "
            f"({str(metadata.get('artifact_sha256'))[:12]}…); the file was changed or corrupted. "
            "Retrain with `flask --app wsgi ml ensure-models`."
        )
    return metadata


def load_artifact(directory: Path, trusted_types: list[str]) -> LoadedArtifact:
    """Load a checked artifact with skops, allowing only the given trusted types."""
    import skops.io

    directory = Path(directory)
    metadata = check_artifact(directory)
    artifact_path = directory / metadata.get("artifact_file", ARTIFACT_FILE)
    try:
        untrusted = skops.io.get_untrusted_types(file=artifact_path)
    except Exception as error:
        raise ArtifactError(f"{artifact_path}: not a readable skops file ({error})") from error
    unexpected = sorted(set(untrusted) - set(trusted_types))
    if unexpected:
        raise ArtifactError(
            f"{artifact_path}: contains types outside the trusted list: {', '.join(unexpected)}"
        )
    obj = skops.io.load(artifact_path, trusted=sorted(set(untrusted)))
    return LoadedArtifact(obj=obj, metadata=metadata, directory=directory)
