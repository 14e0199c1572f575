"""Product classes and commodities from 6-digit HS 2022 codes (policy-v1 §3)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

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
    """Map every HS prefix of a checked product-class document (policy_files) to its ProductClass."""
    by_prefix: dict[str, ProductClass] = {}
    for name, entry in document["classes"].items():
        product_class = ProductClass(
            name=name, commodity=entry["commodity"], food=entry["food"], eudr=entry["eudr"]
        )
        by_prefix.update(dict.fromkeys(entry["hs"], product_class))
    return by_prefix


@lru_cache(maxsize=4)
def load_product_classes(path: Path = PRODUCT_CLASSES_FILE) -> dict[str, ProductClass]:
    """Map every HS prefix in the product-class file to its ProductClass."""
    from marshmallow import ValidationError

    from app.engine.policy_files import ProductClassesFile, error_text

    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        return build_class_index(ProductClassesFile().load(document))
    except ValidationError as error:
        entry, message = error_text(error.messages, document)
        raise ValueError(f"{path.name}: entry {entry}: {message}") from error


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
