"""The current IKM population read in chunks: each IKM's id, name, province, commodity and classified
profile, as the engine reads it (shared by simulations and re-assessment)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import select

from app.extensions import db
from app.models import Ikm

CHUNK = 2000


@dataclass
class Population:
    """Parallel lists, one item per IKM, in id order."""

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


def _chunks(province: str | None) -> Iterator[list[Ikm]]:
    """Stored IKM in id order, CHUNK at a time (products and certificates loaded with them)."""
    last = 0
    while True:
        query = select(Ikm).where(Ikm.id > last).order_by(Ikm.id).limit(CHUNK)
        if province:
            query = query.where(Ikm.region_code.like(f"{province}.%"))
        chunk = db.session.scalars(query).all()
        if not chunk:
            return
        last = chunk[-1].id
        yield chunk
        db.session.expunge_all()


def load_population(province: str | None = None, commodity: str | None = None, progress=None) -> Population:
    """Every stored IKM (of a province / commodity when given) with its classified profile."""
    from app.reference import commodity_of
    from app.services.assessments import classify_many_products

    population = Population()
    total = max(db.session.scalar(select(db.func.count()).select_from(Ikm)) or 1, 1)
    for chunk in _chunks(province):
        profiles = classify_many_products([ikm.to_profile() for ikm in chunk])
        for ikm, profile in zip(chunk, profiles, strict=True):
            products = profile.get("products") or []
            kind = commodity_of(products[0].get("hs_code") if products else None)
            if commodity and kind != commodity:
                continue
            population.ids.append(ikm.id)
            population.names.append(ikm.name)
            population.provinces.append((ikm.region_code or "")[:2])
            population.commodities.append(kind)
            population.profiles.append(profile)
        if progress is not None:
            progress(len(population) / total)
    return population
