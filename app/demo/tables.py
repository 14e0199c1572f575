"""Lookup tables for the demo generator, built once from data/demo/*.yaml and the reference data."""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

import numpy as np
import yaml

from app.reference import product_class_of
from app.vocabulary import COMMODITIES, SIZE_CLASSES  # noqa: F401 (re-exported for the generator)

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"
DEMO_DIR = DATA_DIR / "demo"
REFERENCE_DIR = DATA_DIR / "reference"
BPS_PRODUCTION_FILE = DATA_DIR / "trade_stats" / "bps_perkebunan_provinsi_2023.csv"

FARM_COMMODITIES = frozenset({"coffee", "cocoa", "spices"})
_REGION_PREFIX = re.compile(r"^(Kabupaten|Kota Administrasi|Kota)\s+")


class Cumulative:
    """Values with cumulative weights, for fast weighted picks with `bisect`."""

    __slots__ = ("cum", "last", "total", "values")

    def __init__(self, values: tuple, cum: tuple[float, ...]) -> None:
        self.values = values
        self.cum = cum
        self.total = cum[-1]
        self.last = len(values) - 1


def cumulative(weights: dict) -> Cumulative:
    """Turn {value: weight} into a Cumulative; zero weights are dropped, negatives refused."""
    items = [(key, float(value)) for key, value in weights.items() if float(value) != 0.0]
    if not items or any(value < 0 for _, value in items):
        raise ValueError(f"weights must be non-negative with a positive sum: {weights!r}")
    return Cumulative(tuple(key for key, _ in items), tuple(accumulate(value for _, value in items)))


@dataclass(frozen=True)
class Template:
    """A product template of a segment kind."""

    desc: str
    hs: str
    unit: str
    price_idr: float
    weight: float
    packs: tuple[str, ...]
    commodity: str
    product_class: str
    food: str | None


@dataclass(frozen=True)
class Segment:
    """A commodity segment: where its IKM are and which products they make."""

    commodity: str
    kind: str
    probability: float
    region_p: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class Tables:
    """Everything the generator looks up, precomputed."""

    region_codes: tuple[str, ...]
    region_province: tuple[str, ...]
    province_names: dict[str, str]
    segments: tuple[Segment, ...]
    labels: dict[str, tuple[str, ...]]
    gi: dict[str, tuple[bool, ...]]
    arabica_share: tuple[float, ...]
    templates: dict[str, tuple[Template, ...]]
    packs: dict[str, tuple[str, ...]]
    markets: dict[str, Cumulative]
    market_groups: dict[str, frozenset[str]]
    hs_codes: frozenset[str]
    country_codes: frozenset[str]
    regions: dict
    population: dict
    products: dict
    names: dict
    reference_date: dt.date


def read_yaml(name: str) -> dict:
    """Read one YAML file of data/demo."""
    return yaml.safe_load((DEMO_DIR / name).read_text(encoding="utf-8"))


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read a UTF-8 CSV file into dicts (codes stay text)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def short_region_name(name: str) -> str:
    """'Kabupaten Lampung Barat' -> 'Lampung Barat'."""
    return _REGION_PREFIX.sub("", name).strip()


def bps_province_weights(komoditas: str, column: str) -> dict[str, float]:
    """Province weights from the BPS plantation production table for one crop (INDONESIA row excluded)."""
    weights: dict[str, float] = {}
    for row in read_csv(BPS_PRODUCTION_FILE):
        if row["komoditas"] == komoditas and row["kode_prov"]:
            value = float(row[column] or 0)
            if value > 0:
                weights[row["kode_prov"]] = value
    if not weights:
        raise ValueError(f"no BPS production rows for {komoditas!r}")
    return weights


def coffee_market_weights(spec: dict, country_codes: frozenset[str]) -> dict[str, float]:
    """Coffee target-market weights: BPS export destinations by FOB value, plus a supplement."""
    bps = spec["bps"]
    iso3_to_iso2 = {row["iso3"]: row["iso2"] for row in read_csv(REFERENCE_DIR / "country_codes.csv")}
    named: dict[str, float] = {}
    for row in read_csv(ROOT / bps["file"]):
        if int(row["year"]) == int(bps["year"]) and row["iso3"]:
            named[iso3_to_iso2[row["iso3"]]] = float(row[bps["column"]])
    return _blend(named, spec["supplement"]["weights"], 1.0 - float(bps["share"]))


def _blend(main: dict[str, float], supplement: dict[str, float], supplement_share: float) -> dict[str, float]:
    """Mix two weight tables so that the supplement carries `supplement_share` of the total."""
    main_total = sum(main.values())
    supplement_total = sum(supplement.values())
    blended = {code: (1 - supplement_share) * value / main_total for code, value in main.items()}
    for code, value in supplement.items():
        blended[code] = blended.get(code, 0.0) + supplement_share * value / supplement_total
    return blended


def _market_weights(commodity: str, spec: dict, country_codes: frozenset[str]) -> dict[str, float]:
    """Target-market weights of one commodity from population.yaml."""
    if "bps" in spec:
        weights = coffee_market_weights(spec, country_codes)
    elif "supplement" in spec:
        weights = _blend(spec["weights"], spec["supplement"]["weights"], float(spec["supplement"]["share"]))
    else:
        weights = {code: float(value) for code, value in spec["weights"].items()}
    unknown = sorted(set(weights) - country_codes)
    if unknown:
        raise ValueError(f"markets of {commodity}: codes not in the country list: {unknown}")
    return weights


def _segment_region_p(
    spec: dict,
    regions: dict,
    region_codes: list[str],
    region_province: list[str],
    bases: dict[str, np.ndarray],
    is_kota: np.ndarray,
) -> np.ndarray:
    """Probability of each kabupaten/kota for one segment (province weight × within-province weight)."""
    provinces = spec["provinces"]
    if "bps" in provinces:
        province_weights = bps_province_weights(provinces["bps"]["komoditas"], provinces["bps"]["column"])
    elif provinces.get("population"):
        province_weights = None
    else:
        province_weights = {str(code): float(value) for code, value in provinces["weights"].items()}
    kota_factor = float(regions["kota_factor"][spec["kota_factor"]])
    base = bases[regions["region_weight"][spec["kota_factor"]]]
    within = base * np.where(is_kota, kota_factor, 1.0)
    hotspots = spec.get("hotspots", {}).get("weights", {}) or {}
    index = {code: i for i, code in enumerate(region_codes)}
    for code, multiplier in hotspots.items():
        if code not in index:
            raise ValueError(f"hotspot {code} of segment {spec['kind']} is not a kabupaten/kota code")
        within[index[code]] *= float(multiplier)
    if province_weights is None:
        return within / within.sum()
    probability = np.zeros(len(region_codes))
    province_array = np.array(region_province)
    total = sum(province_weights.values())
    for province, weight in province_weights.items():
        mask = province_array == province
        if not mask.any():
            raise ValueError(f"segment {spec['kind']}: province {province} has no kabupaten/kota")
        probability[mask] = (weight / total) * within[mask] / within[mask].sum()
    return probability / probability.sum()


def _labels(
    regions: dict,
    kinds: list[tuple[str, str]],
    region_codes: list[str],
    region_province: list[str],
    region_names: list[str],
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[bool, ...]]]:
    """Origin label and GI flag of every kabupaten/kota, per segment kind."""
    origin = regions.get("origin_labels") or {}
    province_labels = regions.get("province_labels") or {}
    gi_regions = (regions.get("geographical_indications") or {}).get("regions") or {}
    labels: dict[str, tuple[str, ...]] = {}
    gi: dict[str, tuple[bool, ...]] = {}
    for commodity, kind in kinds:
        kind_labels, kind_gi = [], []
        for code, province, name in zip(region_codes, region_province, region_names, strict=True):
            entry = origin.get(code) or {}
            province_entry = province_labels.get(province) or {}
            kind_labels.append(
                entry.get(kind)
                or entry.get(commodity)
                or entry.get("default")
                or province_entry.get(kind)
                or province_entry.get(commodity)
                or name
            )
            products = gi_regions.get(code) or ()
            kind_gi.append(kind in products or commodity in products)
        labels[kind] = tuple(kind_labels)
        gi[kind] = tuple(kind_gi)
    return labels, gi


def _templates(products: dict, hs_codes: frozenset[str]) -> dict[str, tuple[Template, ...]]:
    """Product templates per kind, each checked against HS 2022 and classified by the policy classes."""
    templates: dict[str, tuple[Template, ...]] = {}
    for kind, entries in products["kinds"].items():
        built = []
        for entry in entries:
            hs = str(entry["hs"])
            if hs not in hs_codes:
                raise ValueError(f"product template {entry['desc']!r}: HS {hs} is not in HS 2022")
            pack_key = entry.get("packs")
            packs = tuple(products["packs"][pack_key]) if pack_key else ("",)
            product_class = product_class_of(hs)
            built.append(
                Template(
                    desc=entry["desc"],
                    hs=hs,
                    unit=entry["unit"],
                    price_idr=float(entry["price_idr"]),
                    weight=float(entry["weight"]),
                    packs=packs,
                    commodity=product_class.commodity,
                    product_class=product_class.name,
                    food=product_class.food,
                )
            )
        templates[kind] = tuple(built)
    return templates


@lru_cache(maxsize=1)
def load_tables() -> Tables:
    """Build (once) every table the generator needs, checking codes against the reference data."""
    regions = read_yaml("commodity_regions.yaml")
    population = read_yaml("population.yaml")
    products = read_yaml("products.yaml")
    names = read_yaml("names.yaml")

    kabkota = read_csv(REFERENCE_DIR / "kabupaten_kota.csv")
    region_codes = [row["kode"] for row in kabkota]
    region_province = [row["kode_prov"] for row in kabkota]
    region_names = [short_region_name(row["nama"]) for row in kabkota]
    people = np.array([float(row["penduduk_total"]) for row in kabkota])
    area = np.array([float(row["luas_km2"]) for row in kabkota])
    bases = {"population": people, "population_area": np.sqrt(people * area)}
    is_kota = np.array([row["jenis"] == "Kota" for row in kabkota])
    province_names = {row["kode"]: row["nama"] for row in read_csv(REFERENCE_DIR / "provinsi.csv")}
    hs_codes = frozenset(
        row["hscode"] for row in read_csv(REFERENCE_DIR / "hs2022.csv") if row["level"] == "6"
    )
    country_codes = frozenset(
        row["iso2"] for row in read_csv(REFERENCE_DIR / "country_codes.csv") if row["iso2"]
    )

    shares = regions["commodity_shares"]["values"]
    if set(shares) != set(COMMODITIES) or abs(sum(shares.values()) - 1.0) > 1e-9:
        raise ValueError("commodity_shares must cover the five commodities and sum to 1")
    templates = _templates(products, hs_codes)
    segments = []
    for commodity in COMMODITIES:
        specs = regions["segments"][commodity]
        if abs(sum(float(spec["share"]) for spec in specs) - 1.0) > 1e-9:
            raise ValueError(f"segment shares of {commodity} must sum to 1")
        for spec in specs:
            if spec["kind"] not in templates:
                raise ValueError(f"segment kind {spec['kind']} has no product templates")
            probability = float(shares[commodity]) * float(spec["share"])
            region_p = _segment_region_p(spec, regions, region_codes, region_province, bases, is_kota)
            segments.append(Segment(commodity, spec["kind"], probability, region_p))

    kinds = [(segment.commodity, segment.kind) for segment in segments]
    labels, gi = _labels(regions, kinds, region_codes, region_province, region_names)
    arabica = regions["coffee_arabica_share"]
    arabica_share = tuple(
        float(arabica["regions"].get(code, arabica["provinces"].get(province, arabica["default"])))
        for code, province in zip(region_codes, region_province, strict=True)
    )
    markets = {
        commodity: cumulative(_market_weights(commodity, population["markets"][commodity], country_codes))
        for commodity in COMMODITIES
    }
    market_groups = {name: frozenset(group["members"]) for name, group in population["market_groups"].items()}
    for name, members in market_groups.items():
        if not members <= country_codes:
            raise ValueError(f"market group {name} has unknown codes: {sorted(members - country_codes)}")
    reference_date = population["reference_date"]
    if isinstance(reference_date, str):
        reference_date = dt.date.fromisoformat(reference_date)
    return Tables(
        region_codes=tuple(region_codes),
        region_province=tuple(region_province),
        province_names=province_names,
        segments=tuple(segments),
        labels=labels,
        gi=gi,
        arabica_share=arabica_share,
        templates=templates,
        packs={key: tuple(value) for key, value in products["packs"].items()},
        markets=markets,
        market_groups=market_groups,
        hs_codes=hs_codes,
        country_codes=country_codes,
        regions=regions,
        population=population,
        products=products,
        names=names,
        reference_date=reference_date,
    )
