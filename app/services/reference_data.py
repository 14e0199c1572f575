"""Reference data: idempotent loading from data/reference/ and the look-ups the forms need."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import or_, select, update

from app.errors import NotFound
from app.extensions import db
from app.models import Country, HsCode, Province, Regency
from app.reference import read_csv_rows


def _number(text: str) -> float | None:
    """Parse a decimal field, None when empty."""
    return float(text) if text not in ("", None) else None


def _integer(text: str) -> int | None:
    """Parse an integer field, None when empty."""
    return int(text) if text not in ("", None) else None


def _upsert(model, key: str, rows: list[dict]) -> dict[str, int]:
    """Insert new rows and update changed ones, keyed by `key`; return the counts.

    The stored rows are compared as plain tuples (no ORM objects), so a second run costs little.
    """
    fields = list(rows[0]) if rows else [key]
    columns = [getattr(model, field) for field in fields]
    existing = {stored._mapping[key]: tuple(stored) for stored in db.session.execute(select(*columns))}
    created = updated = 0
    for row in rows:
        current = existing.get(row[key])
        if current is None:
            db.session.add(model(**row))
            created += 1
        elif current != tuple(row[field] for field in fields):
            db.session.execute(update(model).where(getattr(model, key) == row[key]).values(**row))
            updated += 1
    return {"created": created, "updated": updated, "unchanged": len(rows) - created - updated}


def province_rows(directory: Path) -> list[dict]:
    """Provinces from provinsi.csv."""
    return [
        {
            "code": row["kode"],
            "name": row["nama"],
            "lat": float(row["lat"]),
            "lng": float(row["lng"]),
            "area_km2": _number(row["luas_km2"]),
            "population": _integer(row["penduduk_total"]),
        }
        for row in read_csv_rows(directory / "provinsi.csv")
    ]


def regency_rows(directory: Path) -> list[dict]:
    """Kabupaten/kota from kabupaten_kota.csv."""
    return [
        {
            "code": row["kode"],
            "code_numeric": row["kode_angka"],
            "bps_code": row["kode_bps"] or None,
            "province_code": row["kode_prov"],
            "name": row["nama"],
            "kind": row["jenis"],
            "lat": float(row["lat"]),
            "lng": float(row["lng"]),
            "area_km2": _number(row["luas_km2"]),
            "population": _integer(row["penduduk_total"]),
        }
        for row in read_csv_rows(directory / "kabupaten_kota.csv")
    ]


def country_rows(directory: Path) -> list[dict]:
    """Countries from country_codes.csv (rows without an ISO alpha-2 code are skipped)."""
    return [
        {
            "iso2": row["iso2"],
            "iso3": row["iso3"] or None,
            "name": row["name"] or row["official_name_en"],
            "region": row["region"] or None,
            "sub_region": row["sub_region"] or None,
            "continent": row["continent"] or None,
            "currency_code": row["currency_code"] or None,
        }
        for row in read_csv_rows(directory / "country_codes.csv")
        if row["iso2"]
    ]


def hs_rows(directory: Path) -> list[dict]:
    """HS 2022 codes from hs2022.csv."""
    return [
        {
            "code": row["hscode"],
            "level": int(row["level"]),
            "parent": row["parent"] or None,
            "section": row["section"],
            "description": row["description"],
        }
        for row in read_csv_rows(directory / "hs2022.csv")
    ]


def load_reference_data(directory: Path) -> dict[str, dict[str, int]]:
    """Load regions, countries and HS codes; running it twice changes nothing."""
    counts = {
        "provinces": _upsert(Province, "code", province_rows(directory)),
    }
    db.session.flush()
    counts["regencies"] = _upsert(Regency, "code", regency_rows(directory))
    counts["countries"] = _upsert(Country, "iso2", country_rows(directory))
    counts["hs_codes"] = _upsert(HsCode, "code", hs_rows(directory))
    db.session.commit()
    return counts


def list_regions(province_code: str | None) -> dict:
    """Provinces (always) and the kabupaten/kota of one province when asked."""
    provinces = db.session.scalars(select(Province).order_by(Province.code)).all()
    regencies = []
    if province_code:
        if not any(province.code == province_code for province in provinces):
            raise NotFound(f"Provinsi {province_code} tidak ditemukan. / Province {province_code} not found.")
        regencies = db.session.scalars(
            select(Regency).where(Regency.province_code == province_code).order_by(Regency.code)
        ).all()
    return {"provinces": provinces, "regencies": regencies}


def get_province(code: str) -> Province:
    """Return one province with its kabupaten/kota."""
    province = db.session.get(Province, code)
    if province is None:
        raise NotFound(f"Provinsi {code} tidak ditemukan. / Province {code} not found.")
    return province


def list_countries() -> list[Country]:
    """All countries by name."""
    return db.session.scalars(select(Country).order_by(Country.name)).all()


def search_hs(words: str | None, prefix: str | None, level: int | None, limit: int) -> list[HsCode]:
    """HS codes whose code starts with `prefix` and whose description contains every word of `words`."""
    query = select(HsCode).where(HsCode.code != "999999", HsCode.code != "9999", HsCode.code != "99")
    if prefix:
        query = query.where(HsCode.code.startswith(prefix))
    if level:
        query = query.where(HsCode.level == level)
    for word in (words or "").split():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(
            or_(
                HsCode.description.ilike(f"%{escaped}%", escape="\\"),
                HsCode.code.startswith(word, autoescape=True),
            )
        )
    return db.session.scalars(query.order_by(HsCode.code).limit(limit)).all()
