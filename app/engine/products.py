"""Product classes and commodities from 6-digit HS 2022 codes (policy-v1 §3).

The class table is the Policy's (`Policy.product_class`, from product_classes.yaml in POLICY_DIR); outside
the engine, `app.reference.product_class_of` and `commodity_of` read the runtime Policy."""

from __future__ import annotations

from dataclasses import dataclass

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


def match_class(by_prefix: dict[str, ProductClass], hs_code: str | None) -> ProductClass:
    """Return the class whose longest listed prefix matches the code, `other` when none does."""
    if not hs_code:
        return OTHER_CLASS
    for length in (6, 4, 2):
        found = by_prefix.get(hs_code[:length])
        if found is not None:
            return found
    return OTHER_CLASS
