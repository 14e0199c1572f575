"""Read-only reference code sets (regions, countries, HS 2022, certificate codes) from the data files.

Validation uses these in-memory sets so that the API, the CSV import and the batch CLI check input the
same way, with or without a database. The database holds the same rows for look-ups and joins.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import current_app, has_app_context

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
REFERENCE_DIR = DATA_DIR / "reference"
_DEFAULT_POLICY_DIR = str(DATA_DIR / "policy")


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    """Read a UTF-8 CSV file with a header into a list of dicts (codes stay text)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def regency_codes() -> frozenset[str]:
    """Kemendagri kabupaten/kota codes `PP.KK`."""
    return frozenset(row["kode"] for row in read_csv_rows(REFERENCE_DIR / "kabupaten_kota.csv"))


@dataclass(frozen=True)
class Region:
    """A province or kabupaten/kota: its Kemendagri code, official name and centroid (WGS84)."""

    code: str
    name: str
    lat: float
    lng: float


def _region(row: dict[str, str]) -> Region:
    """A region from its reference file row."""
    return Region(row["kode"], row["nama"], float(row["lat"]), float(row["lng"]))


@lru_cache(maxsize=1)
def regions_by_province() -> tuple[tuple[Region, tuple[Region, ...]], ...]:
    """Every province by name with its kabupaten/kota by name (the reference files, read once per process)."""
    regencies: dict[str, list[Region]] = {}
    for row in read_csv_rows(REFERENCE_DIR / "kabupaten_kota.csv"):
        regencies.setdefault(row["kode_prov"], []).append(_region(row))
    provinces = sorted(
        (_region(row) for row in read_csv_rows(REFERENCE_DIR / "provinsi.csv")),
        key=lambda region: region.name,
    )
    return tuple(
        (province, tuple(sorted(regencies.get(province.code, []), key=lambda region: region.name)))
        for province in provinces
    )


@lru_cache(maxsize=1)
def region_names() -> dict[str, str]:
    """Province and kabupaten/kota names by Kemendagri code."""
    names = {}
    for province, regencies in regions_by_province():
        names[province.code] = province.name
        names.update((regency.code, regency.name) for regency in regencies)
    return names


@lru_cache(maxsize=1)
def kecamatan_names() -> dict[str, str]:
    """Kemendagri kecamatan codes `PP.KK.CC` (the first five characters are the kabupaten/kota) and names."""
    return {row["kode"]: row["nama"] for row in read_csv_rows(REFERENCE_DIR / "kecamatan.csv")}


def kecamatan_of(regency_code: str) -> list[tuple[str, str]]:
    """The kecamatan (code, name) of one kabupaten/kota, by name."""
    prefix = f"{regency_code}."
    return sorted(
        ((code, name) for code, name in kecamatan_names().items() if code.startswith(prefix)),
        key=lambda item: item[1],
    )


@lru_cache(maxsize=1)
def province_codes() -> frozenset[str]:
    """Kemendagri province codes `PP`."""
    return frozenset(row["kode"] for row in read_csv_rows(REFERENCE_DIR / "provinsi.csv"))


def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes of the country list beside the policy in force (POLICY_DIR/../reference),
    else of the repository's list."""
    return policy().countries or _repository_country_codes()


@lru_cache(maxsize=1)
def _repository_country_codes() -> frozenset[str]:
    return frozenset(row["iso2"] for row in read_csv_rows(REFERENCE_DIR / "country_codes.csv") if row["iso2"])


@lru_cache(maxsize=1)
def hs6_descriptions() -> dict[str, str]:
    """Six-digit HS 2022 codes and their English descriptions."""
    return {
        row["hscode"]: row["description"]
        for row in read_csv_rows(REFERENCE_DIR / "hs2022.csv")
        if row["level"] == "6" and row["hscode"] != "999999"
    }


def policy():
    """The one runtime Policy: the app's (loaded from POLICY_DIR at boot) inside an app context, else the
    policy at $POLICY_DIR or data/policy (command-line tools and scripts outside an app)."""
    if has_app_context():
        found = current_app.extensions.get("policy")
        if found is not None:
            return found
    return _standalone_policy(os.environ.get("POLICY_DIR") or _DEFAULT_POLICY_DIR)


@lru_cache(maxsize=2)
def _standalone_policy(directory: str):
    from app.engine import load_policy

    return load_policy(Path(directory))


def certification_codes() -> tuple[str, ...]:
    """Certificate and requirement codes of policy-v1 §2, in policy order (from the Policy)."""
    return policy().certification_codes


def certification_names() -> dict[str, dict[str, str]]:
    """Certificate codes with their Bahasa Indonesia and English names and kind (policy-v1 §2)."""
    return {
        code: {"name_id": names["name_id"], "name_en": names["name_en"], "kind": names["kind"]}
        for code, names in policy().certification_names.items()
    }


def product_class_of(hs_code: str | None):
    """The product class of an HS code under the runtime Policy (policy-v1 §3, §8 A2, A10)."""
    return policy().product_class(hs_code or None)


def commodity_of(hs_code: str | None) -> str:
    """`coffee`, `cocoa`, `spices`, `crafts` or `other` for an HS code under the runtime Policy."""
    return product_class_of(hs_code).commodity
