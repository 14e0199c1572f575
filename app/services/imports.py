"""Bulk import of IKM profiles for one region: validate every row, then write all of them in one transaction.

All-or-nothing by default: one invalid row and nothing is written. `partial` keeps the valid rows.
Re-importing updates by NIB (rows without NIB: by region and name among IKM without NIB), so the same file
twice creates no duplicates. A crash or kill before the commit leaves the database as it was.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import reference
from app.auth import access
from app.errors import Conflict, DomainError, Forbidden, InvalidInput
from app.extensions import db
from app.models import Ikm, User
from app.schemas.ikm import IkmProfileSchema
from app.services import audit, clock
from app.services.assessments import assess_ikms_batch
from app.services.ikms import apply_profile
from app.services.import_files import ImportFileError, RowProfile, column_of, read_file, row_to_profile
from app.vocabulary import NIB_PATTERN

WRITE_CHUNK = 100
VALUE_PREVIEW = 100
MAX_FILENAME = 200
# marshmallow's English messages in Bahasa Indonesia (the schema's own messages are already bilingual).
MESSAGES_ID = {
    "Missing data for required field.": "Wajib diisi.",
    "Field may not be null.": "Wajib diisi.",
    "Not a valid integer.": "Bukan bilangan bulat.",
    "Not a valid number.": "Bukan angka.",
    "Not a valid boolean.": "Isi ya atau tidak.",
    "Not a valid string.": "Bukan teks.",
    "Not a valid email address.": "Alamat e-mail tidak valid.",
    "Not a valid date.": "Tanggal tidak valid (pakai YYYY-MM-DD atau DD/MM/YYYY).",
    "Not a valid list.": "Bukan daftar.",
    "Invalid input type.": "Jenis isian tidak valid.",
    "Unknown field.": "Kolom tidak dikenal.",
}
MESSAGE_PATTERNS_ID = (
    (re.compile(r"^Must be one of: (.*)\.\Z"), r"Harus salah satu dari: \1."),
    (
        re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.\Z"),
        r"Harus \1–\2.",
    ),
    (re.compile(r"^Must be greater than or equal to (\S+)\.\Z"), r"Minimal \1."),
    (re.compile(r"^Must be less than or equal to (\S+)\.\Z"), r"Maksimal \1."),
    (re.compile(r"^Length must be between (\d+) and (\d+)\.\Z"), r"Panjang/jumlah harus \1–\2."),
    (re.compile(r"^Longer than maximum length (\d+)\.\Z"), r"Lebih dari \1 karakter."),
    (re.compile(r"^Shorter than minimum length (\d+)\.\Z"), r"Kurang dari \1 karakter."),
)


class PayloadTooLarge(DomainError):
    """The upload is larger than IMPORT_MAX_BYTES."""

    status = 413


@dataclass
class ValidRow:
    """A row that passed validation, and the stored IKM it updates (None: a new IKM)."""

    line: int
    data: dict
    existing: Ikm | None


def bilingual(message: str) -> tuple[str, str]:
    """A message as (Bahasa Indonesia, English): split "ID / EN" messages, translate marshmallow's."""
    if " / " in message:
        message_id, _, message_en = message.partition(" / ")
        return message_id.strip(), message_en.strip()
    if message in MESSAGES_ID:
        return MESSAGES_ID[message], message
    for pattern, replacement in MESSAGE_PATTERNS_ID:
        if pattern.match(message):
            return pattern.sub(replacement, message), message
    return message, message


def size_limit_error(size: int | None = None) -> PayloadTooLarge:
    """The clear message for a file over IMPORT_MAX_BYTES."""
    limit = current_app.config["IMPORT_MAX_BYTES"]
    megabytes = f"{limit / 1024 / 1024:.1f}".rstrip("0").rstrip(".")
    got = f" ({size / 1024 / 1024:.1f} MB)" if size else ""
    return PayloadTooLarge(
        f"Berkas terlalu besar{got}: maksimal {megabytes} MB. Bagi menjadi beberapa berkas. / "
        f"File too large{got}: the limit is {megabytes} MB. Split it into several files.",
        extra={"max_bytes": limit},
    )


def resolve_import_region(actor: User | None, requested: str | None) -> str:
    """The region an import is for: a district's own kabupaten/kota, a province's own (or one of its
    kabupaten/kota), or what an admin names."""
    actor = access.require_role(actor, access.IMPORTER_ROLES)
    region = requested or (actor.region_code if actor.role in ("district", "province") else None)
    if not region:
        message = "Sebutkan wilayah impor (PP.KK atau PP). / Name the import's region (PP.KK or PP)."
        raise InvalidInput(message, errors={"form": {"region": [message]}})
    check_region_code(region)
    if actor.role == "district" and region != actor.region_code:
        raise Forbidden(
            f"Impor hanya untuk wilayah {actor.region_code}. / You import for {actor.region_code} only."
        )
    if actor.role == "province" and region[:2] != actor.region_code[:2]:
        raise Forbidden(
            f"Impor hanya untuk provinsi {actor.region_code}. / Province {actor.region_code} only."
        )
    return region


def check_region_code(region: str) -> None:
    """Refuse a region that is neither a kabupaten/kota (PP.KK) nor a province (PP) of the reference data."""
    if region not in reference.regency_codes() and region not in reference.province_codes():
        message = f"Wilayah {region!r} tidak dikenal. / Unknown region {region!r}."
        raise InvalidInput(message, errors={"form": {"region": [message]}})


def _in_region(region_code: str | None, import_region: str) -> bool:
    """Tell whether a kabupaten/kota lies in the import's region."""
    if not region_code:
        return False
    return region_code == import_region if "." in import_region else region_code[:2] == import_region


class _RowChecker:
    """Validates rows one by one and collects the report's errors."""

    def __init__(self, import_region: str, rows: list[RowProfile]) -> None:
        self.import_region = import_region
        self.schema = IkmProfileSchema()
        self.errors: list[dict] = []
        # Only well-formed NIB are looked up (others fail validation anyway, and may hold characters the
        # database refuses).
        nibs = {row.profile["nib"] for row in rows if NIB_PATTERN.match(str(row.profile.get("nib") or ""))}
        self.by_nib = (
            {ikm.nib: ikm for ikm in db.session.scalars(select(Ikm).where(Ikm.nib.in_(nibs)))} if nibs else {}
        )
        self.by_name = {
            (ikm.region_code, ikm.name.casefold()): ikm
            for ikm in db.session.scalars(select(Ikm).where(Ikm.nib.is_(None), _region_clause(import_region)))
        }
        self.seen_keys: dict[tuple, int] = {}

    def error(self, line: int, column: str, message: str, value=None) -> None:
        """Add one error line to the report."""
        message_id, message_en = bilingual(message)
        item = {"line": line, "column": column, "message_id": message_id, "message_en": message_en}
        if value is not None:
            item["value"] = str(value)[:VALUE_PREVIEW]
        self.errors.append(item)

    def check(self, row: RowProfile, cells: dict) -> ValidRow | None:
        """The validated row, or None after adding its errors."""
        errors_before = len(self.errors)
        for name, value in cells.items():
            if name.startswith("column_"):
                self.error(
                    row.line,
                    name,
                    "Nilai di kolom tanpa judul. / A value in a column without a header.",
                    value,
                )
        profile = row.profile
        if not profile.get("region_code") and "." in self.import_region:
            profile["region_code"] = self.import_region
        try:
            data = self.schema.load(profile)
        except ValidationError as error:
            for path, message in _flatten(error.messages):
                column = column_of(path, row.sources)
                self.error(row.line, column, message, cells.get(column))
            return None
        if not _in_region(data["region_code"], self.import_region):
            self.error(
                row.line,
                "region_code",
                f"Di luar wilayah impor {self.import_region}. / "
                f"Outside the import's region {self.import_region}.",
                data["region_code"],
            )
        existing = self._existing(row.line, data)
        return ValidRow(row.line, data, existing) if len(self.errors) == errors_before else None

    def _existing(self, line: int, data: dict) -> Ikm | None:
        """The stored IKM this row updates; errors for duplicates in the file and IKM of other regions."""
        nib = data.get("nib")
        key = ("nib", nib) if nib else ("name", data["region_code"], data["name"].casefold())
        if key in self.seen_keys:
            column = "nib" if nib else "name"
            self.error(
                line,
                column,
                f"Sama dengan baris {self.seen_keys[key]}. / Same IKM as line {self.seen_keys[key]}.",
                nib or data["name"],
            )
            return None
        self.seen_keys[key] = line
        existing = (
            self.by_nib.get(nib) if nib else self.by_name.get((data["region_code"], data["name"].casefold()))
        )
        if existing is not None and not _in_region(existing.region_code, self.import_region):
            self.error(  # the other region is not named: it is outside the importer's scope
                line,
                "nib",
                f"NIB {nib} sudah terdaftar untuk IKM di luar wilayah impor ini. / "
                f"NIB {nib} is already registered to an IKM outside this import's region.",
                nib,
            )
        return existing


def _region_clause(import_region: str):
    """SQL condition: IKM located in the import's region."""
    if "." in import_region:
        return Ikm.region_code == import_region
    return Ikm.province_code == import_region


def _flatten(messages, path: tuple = ()) -> list[tuple[tuple, str]]:
    """marshmallow's nested error dict as (path, message) pairs (list indexes as ints)."""
    if isinstance(messages, dict):
        pairs = []
        for key, value in messages.items():
            pairs.extend(_flatten(value, (*path, key)))
        return pairs
    if isinstance(messages, list) and all(isinstance(item, str) for item in messages):
        return [(path, message) for message in messages]
    if isinstance(messages, list):
        return [pair for item in messages for pair in _flatten(item, path)]
    return [(path, str(messages))]


def _would_change(ikm: Ikm, data: dict, schema: IkmProfileSchema) -> bool:
    """Tell whether applying `data` would change the stored profile (re-imports of the same file do not)."""
    current = ikm.to_profile()
    incoming = audit.jsonable(_without_nones(schema.dump(data)))
    return any(current.get(key) != value for key, value in incoming.items())


def _without_nones(value):
    """A copy without None values (the stored profile leaves empty fields out)."""
    if isinstance(value, dict):
        return {key: _without_nones(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nones(item) for item in value]
    return value


def _file_error_report(base: dict, error: ImportFileError) -> InvalidInput:
    """A whole-file problem as 422 with a one-line report."""
    item = {"line": 1, "column": error.column, "message_id": error.message_id, "message_en": error.message_en}
    report = {**base, "rows": 0, "valid": 0, "invalid": 0, "written": False, "errors": [item]}
    return InvalidInput(str(error), errors={"file": [str(error)]}, extra={"report": report})


def _write(rows: list[ValidRow], schema: IkmProfileSchema, actor, progress) -> dict[str, int]:
    """Create and update the IKM of the valid rows (flushed in chunks; committed by the caller)."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    created: list[Ikm] = []
    written: list[Ikm] = []
    for done, row in enumerate(rows, start=1):
        if row.existing is None:
            ikm = Ikm()
            apply_profile(ikm, row.data)
            db.session.add(ikm)
            created.append(ikm)
            written.append(ikm)
            counts["created"] += 1
        elif _would_change(row.existing, row.data, schema):
            before = row.existing.to_profile()
            apply_profile(row.existing, row.data)
            old, new = audit.changed_fields(before, row.existing.to_profile())
            audit.record("ikm.update", "ikm", row.existing.id, before=old, after=new, actor=actor)
            written.append(row.existing)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
        if done % WRITE_CHUNK == 0 or done == len(rows):
            db.session.flush()
            for ikm in created:
                audit.record("ikm.create", "ikm", ikm.id, after=ikm.to_profile(), actor=actor)
            created.clear()
            if progress is not None:
                progress(done, len(rows))
    # Every created or changed IKM gets its current assessment, all in one pass of the vectorised engine.
    assess_ikms_batch(written, clock.utcnow().date(), created_by_id=getattr(actor, "id", None))
    return counts


def run_import(
    content: bytes,
    filename: str,
    import_region: str,
    actor: User | str | None,
    partial: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Validate every row of a CSV/XLSX file and write the valid ones in one transaction; return the report.

    422 (nothing written) when any row is invalid and `partial` is false, or when no row is valid.
    """
    if len(content) > current_app.config["IMPORT_MAX_BYTES"]:
        raise size_limit_error(len(content))
    check_region_code(import_region)
    filename = "".join(char for char in filename or "" if ord(char) >= 32)[:MAX_FILENAME] or "upload"
    base = {"file": filename, "region": import_region, "partial": partial}
    try:
        parsed = read_file(content, filename, current_app.config["IMPORT_MAX_ROWS"])
    except ImportFileError as error:
        raise _file_error_report(base, error) from None
    base.update(format=parsed.file_format, encoding=parsed.encoding)
    profiles = [row_to_profile(row) for row in parsed.rows]
    checker = _RowChecker(import_region, profiles)
    valid = [
        checked
        for source, row in zip(parsed.rows, profiles, strict=True)
        if (checked := checker.check(row, source.cells)) is not None
    ]
    report = {
        **base,
        "rows": len(parsed.rows),
        "valid": len(valid),
        "invalid": len(parsed.rows) - len(valid),
        "errors": checker.errors,
    }
    if not parsed.rows or (checker.errors and not partial) or not valid:
        db.session.rollback()
        report.update(written=False, created=0, updated=0, unchanged=0)
        summary = (
            f"{report['invalid']} baris tidak valid; tidak ada yang disimpan. / "
            f"{report['invalid']} invalid row{'' if report['invalid'] == 1 else 's'}; nothing was saved."
            if parsed.rows
            else "Tidak ada baris data. / The file has no data rows."
        )
        rows_errors: dict = {}
        for item in checker.errors:
            rows_errors.setdefault(str(item["line"]), {}).setdefault(item["column"], []).append(
                f"{item['message_id']} / {item['message_en']}"
            )
        raise InvalidInput(summary, errors={"rows": rows_errors}, extra={"report": report})
    try:
        counts = _write(valid, checker.schema, actor, progress)
        report.update(written=True, **counts)
        digest = hashlib.sha256(content).hexdigest()[:16]
        audit.record(
            "import", "import", digest, after={k: v for k, v in report.items() if k != "errors"}, actor=actor
        )
        db.session.commit()
    except IntegrityError:
        # A simultaneous import or registration stored one of these NIB first: nothing of this file is kept.
        db.session.rollback()
        raise Conflict(
            "IKM yang sama baru saja disimpan oleh impor atau pendaftaran lain; tidak ada yang disimpan, "
            "silakan impor ulang. / The same IKM were just stored by another import or registration; "
            "nothing was saved, import the file again."
        ) from None
    return report


def count_ikms_in(region: str) -> int:
    """How many IKM a region holds (for messages and tests)."""
    return db.session.scalar(select(func.count()).select_from(Ikm).where(_region_clause(region)))
