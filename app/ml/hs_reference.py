"""HS 2022 reference descriptions (data/reference/hs2022.csv) for labels and nearest-code search."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app.ml.paths import REFERENCE_DIR

HS_FILE = REFERENCE_DIR / "hs2022.csv"


@dataclass(frozen=True)
class HsReference:
    """Descriptions of HS 2022 codes by level: six-digit subheadings, headings and chapters."""

    subheadings: dict[str, str]
    headings: dict[str, str]
    chapters: dict[str, str]

    def describe(self, hs_code: str) -> str:
        """Return the English description of a 2-, 4- or 6-digit code ("" when unknown)."""
        for table in (self.subheadings, self.headings, self.chapters):
            if hs_code in table:
                return table[hs_code]
        return ""


@lru_cache(maxsize=2)
def load_hs_reference(path: Path = HS_FILE) -> HsReference:
    """Load the HS 2022 nomenclature file into an HsReference."""
    levels: dict[str, dict[str, str]] = {"2": {}, "4": {}, "6": {}}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["level"] in levels and row["hscode"].isdigit() and row["hscode"] != "999999":
                levels[row["level"]][row["hscode"]] = row["description"]
    return HsReference(subheadings=levels["6"], headings=levels["4"], chapters=levels["2"])
