"""The current IKM population read in chunks: each IKM's id, name, province, commodity and classified
profile, as the engine reads it (shared by simulations and re-assessment)."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter

from sqlalchemy import JSON, Text, cast, func, select

from app.extensions import db
from app.models import Certification, Ikm, Product
from app.models.ikm import (
    CERTIFICATION_COLUMNS,
    PRODUCT_COLUMNS,
    PROFILE_COLUMNS,
    certification_from_columns,
    product_from_columns,
    profile_from_columns,
)
from app.simulation.classified import CLASSIFIED_COLUMNS, classifier_version, classify, kept

# The IKM columns holding JSON documents: read as text and decoded once per distinct text (most repeat).
DOCUMENT_COLUMNS = tuple(name for name in PROFILE_COLUMNS if isinstance(Ikm.__table__.c[name].type, JSON))
ROW_KEYS = ("id", *PROFILE_COLUMNS)  # the columns of the IKM SELECT, in its order
SLICE = 50_000  # IKM per round of SELECTs: few round trips, a bounded batch of rows in memory


@dataclass
class Population:
    """Parallel lists, one item per IKM, in id order. Profiles read by `load_population` share equal JSON
    documents (export history, practices): read them, never change them in place."""

    ids: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    provinces: list[str] = field(default_factory=list)
    commodities: list[str] = field(default_factory=list)
    profiles: list[dict] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)


@contextmanager
def paused_collector():
    """Pause Python's cyclic garbage collector: with hundreds of thousands of profile dicts alive it would
    walk them again and again while none is garbage (it runs again afterwards)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def read_slices(
    province: str | None,
    size: int,
    ikm_columns,
    product_columns=PRODUCT_COLUMNS + CLASSIFIED_COLUMNS,
    certificate_columns=CERTIFICATION_COLUMNS,
    ids=None,
    execute=None,
) -> Iterator[tuple[list, list, list]]:
    """Stored IKM in id order, `size` at a time (only `ids` when given): their rows (id and `ikm_columns`,
    JSON documents as text), and the rows of their products (ikm_id and `product_columns`, by IKM and
    position) and certificates (ikm_id and `certificate_columns`, by IKM and id): three Core SELECTs per
    slice over id ranges, no ORM objects, run by `execute` (the session's by default)."""
    execute = execute or db.session.execute
    ikms, products, certificates = Ikm.__table__, Product.__table__, Certification.__table__
    in_province = ikms.c.region_code.like(f"{province}.%") if province else None
    columns = [
        cast(ikms.c[name], Text).label(name) if name in DOCUMENT_COLUMNS else ikms.c[name]
        for name in ikm_columns
    ]
    last = 0
    while True:
        query = select(ikms.c.id, *columns).where(ikms.c.id > last)
        if in_province is not None:
            query = query.where(in_province)
        if ids is not None:
            query = query.where(ikms.c.id.in_(ids))
        rows = execute(query.order_by(ikms.c.id).limit(size)).all()
        if not rows:
            return
        first, last = rows[0].id, rows[-1].id
        yield (
            rows,
            _by_ikm(
                execute,
                products,
                product_columns,
                first,
                last,
                in_province,
                (products.c.position, products.c.id),
            ),
            _by_ikm(
                execute, certificates, certificate_columns, first, last, in_province, (certificates.c.id,)
            ),
        )


def _by_ikm(execute, table, columns, first: int, last: int, in_province, order) -> list:
    """The rows (ikm_id first) of a table of IKM details whose IKM id is in [first, last] (and in the
    province), by IKM id and `order`."""
    query = select(table.c.ikm_id, *(table.c[name] for name in columns)).where(
        table.c.ikm_id.between(first, last)
    )
    if in_province is not None:
        ikms = Ikm.__table__
        query = query.where(
            table.c.ikm_id.in_(select(ikms.c.id).where(ikms.c.id.between(first, last), in_province))
        )
    return execute(query.order_by(table.c.ikm_id, *order)).all()


def read_ahead(read, queue_size: int = 1) -> Iterator:
    """The items of `read(execute)` (a generator of slices, e.g. `read_slices`), produced by a thread on a
    connection of its own one slice ahead: the database works on the next slice while the caller turns the
    last one into Python objects. The thread stops when the caller does."""
    import queue
    import threading

    engine, found, stop, done = db.engine, queue.Queue(maxsize=queue_size), threading.Event(), object()

    def offer(item) -> bool:
        """Hand an item to the caller; False once the caller has stopped."""
        while not stop.is_set():
            try:
                found.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            with engine.connect() as connection:
                for item in read(connection.execute):
                    if not offer(item):
                        return
            offer(done)
        except BaseException as error:  # handed to the caller, raised there
            offer(error)

    thread = threading.Thread(target=work, name="population-reader", daemon=True)
    thread.start()
    try:
        while (item := found.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


def _grouped(rows: list, as_item) -> dict[int, list]:
    """`as_item` of each row (ikm_id first, rows by IKM) in lists by IKM id."""
    return {ikm_id: [as_item(row) for row in group] for ikm_id, group in groupby(rows, itemgetter(0))}


class ProductClassifications:
    """Products as the loaders give them: a given code is kept; a classification kept by the loaded model's
    version is read (migration 0013); the others are collected and classified together (`classify`)."""

    def __init__(self) -> None:
        self.version: str | None = None
        self.pending: list[dict] = []

    def product(self, row) -> dict:
        """The product dict of a product row (PRODUCT_COLUMNS and CLASSIFIED_COLUMNS), its classification
        read when kept by the loaded model, else left for `classify`."""
        item = product_from_columns(row)
        if row.hs_code:
            return item
        if row.classified_by is not None:
            if self.version is None:
                self.version = classifier_version()
            found = kept(row, self.version)
            if found is not None:
                item["hs_code"], item["hs_source"], item["hs_score"] = found
                return item
        self.pending.append(item)
        return item

    def classify(self) -> None:
        """Classify the products collected since the last call (the model loaded only when there are)."""
        if self.pending:
            classify(self.pending)
            self.pending = []


def load_population(
    province: str | None = None,
    commodity: str | None = None,
    progress=None,
    slice_size: int = SLICE,
    ids: list[int] | None = None,
) -> Population:
    """Every stored IKM (of a province / commodity, or of `ids`, when given) with its classified profile,
    read with a few Core SELECTs per `slice_size` IKM; `progress(share)` after each slice."""
    from app.reference import commodity_of
    from app.services.assessments import classify_in_place

    population = Population()
    total = max(db.session.scalar(select(func.count()).select_from(Ikm)) or 1, 1)
    kinds: dict = {}
    decoded: dict[str, object] = {}

    def columns(row) -> dict:
        """The row's profile columns by name, its JSON documents decoded once per distinct text."""
        values = dict(zip(ROW_KEYS, row, strict=True))
        for name in DOCUMENT_COLUMNS:
            text = values[name]
            if text is not None:
                found = decoded.get(text)
                values[name] = found if found is not None else decoded.setdefault(text, json.loads(text))
        return values

    classifications = ProductClassifications()
    for rows, product_rows, certificate_rows in read_slices(province, slice_size, PROFILE_COLUMNS, ids=ids):
        products = _grouped(product_rows, classifications.product)
        certificates = _grouped(certificate_rows, certification_from_columns)
        profiles = [
            profile_from_columns(columns(row), products.get(row.id) or [], certificates.get(row.id) or [])
            for row in rows
        ]
        classifications.classify()  # products without a given code nor a classification kept by this model
        classify_in_place(profiles)  # marks the given codes
        for row, profile in zip(rows, profiles, strict=True):
            items = profile["products"]
            code = items[0].get("hs_code") if items else None
            kind = kinds.get(code)
            if kind is None:
                kind = kinds[code] = commodity_of(code)
            if commodity and kind != commodity:
                continue
            population.ids.append(row.id)
            population.names.append(row.name)
            population.provinces.append((row.region_code or "")[:2])
            population.commodities.append(kind)
            population.profiles.append(profile)
        if progress is not None:
            progress(len(population) / total)
    return population
