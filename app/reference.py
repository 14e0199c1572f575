"""Read-only reference code sets (regions, countries, HS 2022, certificate codes) from the data files.

Validation uses these in-memory sets so that the API, the CSV import and the batch CLI check input the
same way, with or without a database. The database holds the same rows for look-ups and joins.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
REFERENCE_DIR = DATA_DIR / "reference"
CERTIFICATIONS_FILE = DATA_DIR / "policy" / "certifications.yaml"


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    """Read a UTF-8 CSV file with a header into a list of dicts (codes stay text)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def regency_codes() -> frozenset[str]:
    """Kemendagri kabupaten/kota codes `PP.KK`."""
    return frozenset(row["kode"] for row in read_csv_rows(REFERENCE_DIR / "kabupaten_kota.csv"))


@lru_cache(maxsize=1)
def province_codes() -> frozenset[str]:
    """Kemendagri province codes `PP`."""
    return frozenset(row["kode"] for row in read_csv_rows(REFERENCE_DIR / "provinsi.csv"))


@lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes of the reference country list."""
    return frozenset(row["iso2"] for row in read_csv_rows(REFERENCE_DIR / "country_codes.csv") if row["iso2"])


@lru_cache(maxsize=1)
def hs6_descriptions() -> dict[str, str]:
    """Six-digit HS 2022 codes and their English descriptions."""
    return {
        row["hscode"]: row["description"]
        for row in read_csv_rows(REFERENCE_DIR / "hs2022.csv")
        if row["level"] == "6" and row["hscode"] != "999999"
    }


@lru_cache(maxsize=1)
def certification_codes() -> tuple[str, ...]:
    """Certificate and requirement codes of policy-v1 §2, in policy order."""
    document = yaml.safe_load(CERTIFICATIONS_FILE.read_text(encoding="utf-8"))
    return tuple(document["codes"])


@lru_cache(maxsize=1)
def certification_names() -> dict[str, dict[str, str]]:
    """Certificate codes with their Bahasa Indonesia and English names and kind (policy-v1 §2)."""
    document = yaml.safe_load(CERTIFICATIONS_FILE.read_text(encoding="utf-8"))
    return {
        code: {"name_id": entry["name_id"], "name_en": entry["name_en"], "kind": entry["kind"]}
        for code, entry in document["codes"].items()
    }
