"""Product classes and commodities from 6-digit HS 2022 codes (policy-v1 §3)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from app.vocabulary import COMMODITIES

PRODUCT_CLASSES_FILE = Path(__file__).resolve().parents[2] / "data" / "policy" / "product_classes.yaml"
OTHER = "other"
FOOD_KINDS = ("raw", "processed")


@dataclass(frozen=True)
class ProductClass:
    """One product class: its name, commodity group, food kind and EUDR scope."""

    name: str
    commodity: str
    food: str | None
    eudr: bool


OTHER_CLASS = ProductClass(name=OTHER, commodity=OTHER, food=None, eudr=False)


def build_class_index(document: dict) -> dict[str, ProductClass]:
    """Map every HS prefix of a parsed product-class document to its ProductClass (ValueError if broken)."""
    classes = document.get("classes") if isinstance(document, dict) else None
    if not isinstance(classes, dict) or not classes:
        raise ValueError("entry classes: missing or not a mapping")
    by_prefix: dict[str, ProductClass] = {}
    for name, entry in classes.items():
        if not isinstance(entry, dict):
            raise ValueError(f"entry {name}: not a mapping")
        commodity = entry.get("commodity")
        if commodity not in COMMODITIES:
            raise ValueError(
                f"entry {name}: commodity {commodity!r} is not coffee, cocoa, spices, crafts or other"
            )
        food = entry.get("food")
        if food is not None and food not in FOOD_KINDS:
            raise ValueError(f"entry {name}: food {food!r} is not raw, processed or null")
        prefixes = entry.get("hs")
        if not isinstance(prefixes, list) or not prefixes:
            raise ValueError(f"entry {name}: hs must be a non-empty list of HS prefixes")
        product_class = ProductClass(name=name, commodity=commodity, food=food, eudr=bool(entry.get("eudr")))
        for prefix in prefixes:
            prefix = str(prefix)
            if not (prefix.isdigit() and len(prefix) in (2, 4, 6)):
                raise ValueError(f"entry {name}: HS prefix {prefix!r} is not 2, 4 or 6 digits")
            if prefix in by_prefix:
                raise ValueError(f"entry {name}: HS prefix {prefix} listed under two classes")
            by_prefix[prefix] = product_class
    return by_prefix


@lru_cache(maxsize=4)
def load_product_classes(path: Path = PRODUCT_CLASSES_FILE) -> dict[str, ProductClass]:
    """Map every HS prefix in the product-class file to its ProductClass."""
    try:
        return build_class_index(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValueError as error:
        raise ValueError(f"{path.name}: {error}") from error


def match_class(by_prefix: dict[str, ProductClass], hs_code: str | None) -> ProductClass:
    """Return the class whose longest listed prefix matches the code, `other` when none does."""
    if not hs_code:
        return OTHER_CLASS
    for length in (6, 4, 2):
        found = by_prefix.get(hs_code[:length])
        if found is not None:
            return found
    return OTHER_CLASS


def product_class_of(hs_code: str | None) -> ProductClass:
    """Return the product class of a 6-digit HS code, `other` when no class lists it."""
    return match_class(load_product_classes(), hs_code)


def commodity_of(hs_code: str | None) -> str:
    """Return `coffee`, `cocoa`, `spices`, `crafts` or `other` for a 6-digit HS code."""
    return product_class_of(hs_code).commodity
