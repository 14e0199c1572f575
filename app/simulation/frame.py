"""The current IKM population read straight into the engine's frame (the table `assess_frame` takes), column
by column, without a profile dict per IKM: what a simulation reads. The re-assessment, which stores each
IKM's profile with its assessment, reads profiles (`population.load_population`).

The frame is the one `profiles_to_frame` builds from the profiles `load_population` gives, value for value
(tests/jobs/test_population_frame.py compares them): the same columns in the same order and dtypes
(taken from `profiles_to_frame([])`), the same products (a given code; else the classification kept by the
loaded model; else the classifier's), the same certificates and documents.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from app.engine.inputs import number_or_nan, product_tuple, tri_state
from app.extensions import db
from app.models import Ikm
from app.simulation.population import SLICE, ProductClassifications, load_population, read_ahead, read_slices
from app.vocabulary import NIB_PATTERN, PRACTICE_FIELDS

# The IKM columns the frame is made of (JSON documents read as text, decoded once per distinct text).
FRAME_IKM_COLUMNS = (
    "name",
    "nib",
    "region_code",
    "founded_year",
    "founded_on",
    "annual_revenue_idr",
    "credit_status",
    "group_kind",
    "group_members",
    "buyer_contract_market",
    "export_history",
    "target_markets",
    "practices",
)
NOTHING = np.nan


class _Profiles:
    """The profiles of a frame's IKM, read from the database when asked for (a simulation's examples)."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: int) -> dict:
        ikm_id = self.ids[index]
        return load_population(ids=[ikm_id]).profiles[0]


@dataclass
class PopulationFrame:
    """The population as the engine's frame, with each row's IKM id, name, province and commodity (in id
    order) and its profile on demand (`profiles[i]`, read from the database)."""

    frame: pd.DataFrame
    ids: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    provinces: list[str] = field(default_factory=list)
    commodities: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.profiles = _Profiles(self.ids)

    def __len__(self) -> int:
        return len(self.ids)


def _decoded(cache: dict, text, read):
    """`read` of the decoded JSON text (None for none), computed once per distinct text."""
    found = cache.get(text)
    if found is None:
        found = cache[text] = read(json.loads(text) if text is not None else None)
    return found


def _history(document) -> tuple:
    history = document or {}
    return (
        tri_state(history.get("direct")),
        tri_state(history.get("indirect")),
        number_or_nan(history.get("last_export_year")),
    )


def _practices(document) -> tuple:
    practices = document or {}
    return tuple(tri_state(practices.get(name)) for name in PRACTICE_FIELDS)


def _markets(document) -> tuple:
    return tuple(document or ())


class _Reader:
    """Frame columns from slices of rows; each distinct document, founding and validity date read once."""

    def __init__(self, columns: dict[str, list]) -> None:
        self.columns = columns
        self.practices = [columns[f"practice_{name}"] for name in PRACTICE_FIELDS]
        self.documents: tuple[dict, dict, dict] = ({}, {}, {})
        self.dates: dict = {None: (NOTHING, NOTHING)}
        self.days: dict = {None: ""}
        self.classifications = ProductClassifications()

    def ikms(self, rows: list) -> tuple:
        """Append the IKM rows' scalar and document columns; return their ids."""
        columns, match = self.columns, NIB_PATTERN.match
        (ids, names, nibs, regions, founded_years, founded_on, revenues, credit, group_kinds, members, buyers,
         histories, markets, practices) = zip(*rows, strict=True)  # fmt: skip
        columns["name"].extend(names)
        columns["nib"].extend(nibs)
        columns["nib_valid"].extend(1.0 if isinstance(nib, str) and match(nib) else 0.0 for nib in nibs)
        for day in founded_on:
            found = self.dates.get(day)
            if found is None:
                found = self.dates[day] = (float(day.year), float(day.month * 100 + day.day))
            columns["founded_on_year"].append(found[0])
            columns["founded_on_md"].append(found[1])
        columns["region_code"].extend(regions)
        columns["founded_year"].extend(founded_years)
        columns["annual_revenue_idr"].extend(revenues)
        columns["credit_status"].extend(credit)
        for text in histories:
            direct, indirect, last_year = _decoded(self.documents[0], text, _history)
            columns["export_direct"].append(direct)
            columns["export_indirect"].append(indirect)
            columns["last_export_year"].append(last_year)
        columns["buyer_market"].extend(market or None for market in buyers)
        columns["group_kind"].extend(group_kinds)
        columns["group_members"].extend(
            NOTHING if kind is None else number_or_nan(count)
            for kind, count in zip(group_kinds, members, strict=True)
        )
        columns["target_markets"].extend(_decoded(self.documents[1], text, _markets) for text in markets)
        for text in practices:
            for column, value in zip(
                self.practices, _decoded(self.documents[2], text, _practices), strict=True
            ):
                column.append(value)
        return ids

    def products(self, ids: tuple, rows: list) -> list[tuple]:
        """Append the products column of these IKM from their product rows; return it. A product with a given
        code becomes its tuple at once; the others go through their classification (kept or made)."""
        classified, found = [], {}
        for ikm_id, group in groupby(rows, itemgetter(0)):
            items = []
            for row in group:
                hs_code = row[2]
                if hs_code:  # given: ikm_id, description, hs_code, monthly_capacity, capacity_unit, ...
                    items.append((hs_code, number_or_nan(row[3]), row[4] or "", "given", NOTHING))
                else:
                    classified.append((items, len(items), self.classifications.product(row)))
                    items.append(None)
            found[ikm_id] = items
        self.classifications.classify()
        for items, position, item in classified:
            items[position] = product_tuple(item)
        tuples = [tuple(found.get(ikm_id, ())) for ikm_id in ids]
        self.columns["products"].extend(tuples)
        return tuples

    def certificates(self, ids: tuple, rows: list) -> None:
        """Append the certifications column of these IKM from their certificate rows."""
        days, found = self.days, {}
        for ikm_id, group in groupby(rows, itemgetter(0)):
            listed = []
            for row in group:
                iso = days.get(row.valid_until)
                if iso is None:
                    iso = days[row.valid_until] = row.valid_until.isoformat()
                listed.append((row.code, iso))
            found[ikm_id] = tuple(listed)
        self.columns["certifications"].extend(found.get(ikm_id, ()) for ikm_id in ids)


def load_frame(
    province: str | None = None, commodity: str | None = None, progress=None, slice_size: int = SLICE
) -> PopulationFrame:
    """Every stored IKM (of a province / commodity when given) as a row of the engine's frame, read with a
    few Core SELECTs per `slice_size` IKM; `progress(share)` after each slice."""
    from app.engine import profiles_to_frame
    from app.reference import commodity_of

    template = profiles_to_frame([])
    total = max(db.session.scalar(select(func.count()).select_from(Ikm)) or 1, 1)
    columns: dict[str, list] = {name: [] for name in template.columns}
    reader = _Reader(columns)
    ids: list[int] = []
    row_kinds: list[str] = []
    kinds: dict = {}
    slices = read_ahead(lambda execute: read_slices(province, slice_size, FRAME_IKM_COLUMNS, execute=execute))
    for rows, product_rows, certificate_rows in slices:
        slice_ids = reader.ikms(rows)
        ids.extend(slice_ids)
        for items in reader.products(slice_ids, product_rows):
            code = (items[0][0] or None) if items else None
            kind = kinds.get(code)
            if kind is None:
                kind = kinds[code] = commodity_of(code)
            row_kinds.append(kind)
        reader.certificates(slice_ids, certificate_rows)
        if progress is not None:
            progress(len(ids) / total)
    frame = pd.DataFrame({name: _column(values, template[name].dtype) for name, values in columns.items()})
    rows = range(len(ids))
    if commodity:
        rows = [index for index, kind in enumerate(row_kinds) if kind == commodity]
        frame = frame.iloc[rows].reset_index(drop=True)
    regions, names = columns["region_code"], columns["name"]
    return PopulationFrame(
        frame,
        ids=[ids[index] for index in rows],
        names=[names[index] for index in rows],
        provinces=[(regions[index] or "")[:2] for index in rows],
        commodities=[row_kinds[index] for index in rows],
    )


def _column(values: list, dtype) -> np.ndarray:
    """Numbers as float64 arrays (None as NaN), everything else as object arrays (tuples stay tuples)."""
    if dtype != np.dtype(object):
        return np.array(values, dtype=dtype)
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array
