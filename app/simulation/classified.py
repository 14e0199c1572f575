"""The HS classification kept with a product stored without an HS code (migration 0013): the classifier's
code, source and score, and the model version that gave them. The loaders read it when the version is the
loaded classifier's and classify only the other products; `flask --app wsgi ml classify-stored` fills it.

`products.hs_code` is only ever the code the IKM gave ("given"); the kept classification never replaces it,
and a product with a given code has none (the writers build new product rows, whose columns start empty).
The writers (create, PATCH, import, HS correction, demo) assess what they store, which classifies its
products; they keep that classification with the rows (`keep_classification`), so the backfill is only
needed for rows written before, or by another model version.
"""

from __future__ import annotations

from sqlalchemy import bindparam, or_, select, update

from app.extensions import db
from app.models import Product

CLASSIFIED_COLUMNS = ("classified_hs_code", "classified_hs_source", "classified_hs_score", "classified_by")
BATCH = 20_000  # products classified and written per round of the backfill


def classifier_version() -> str:
    """The version of the loaded HS classifier (loads it when it is not yet)."""
    from app.services.models import current_models

    return current_models().hs_classifier.version


def classify(products: list[dict]) -> None:
    """Give these product dicts (written to) the classifier's best code, source and score: the assessment
    service's one rule (`classify_in_place`), products with a given code marked as such."""
    from app.services.assessments import classify_in_place

    classify_in_place([{"products": products}])


def kept(row, version: str) -> tuple | None:
    """A product row's kept (code, source, score) when the classifier of `version` gave them, else None."""
    if row.classified_by is None or row.classified_by != version:
        return None
    return row.classified_hs_code, row.classified_hs_source, row.classified_hs_score


def keep_classification(rows: list[Product], products: list[dict]) -> None:
    """Keep with each product row stored without a given code the classification its assessment used
    (`products`: the assessed profile's products, in the rows' order, classified by the loaded model)."""
    version = None
    for row, product in zip(rows, products, strict=True):
        if row.hs_code:
            continue
        version = version or classifier_version()
        row.classified_hs_code = product.get("hs_code")
        row.classified_hs_source = product.get("hs_source")
        row.classified_hs_score = product.get("hs_score")
        row.classified_by = version


def pending_query(version: str, after: int, size: int):
    """Products without a given code and without a classification by `version`, id order, after an id."""
    table = Product.__table__
    return (
        select(table.c.id, table.c.description)
        .where(
            or_(table.c.hs_code.is_(None), table.c.hs_code == ""),
            or_(table.c.classified_by.is_(None), table.c.classified_by != version),
            table.c.id > after,
        )
        .order_by(table.c.id)
        .limit(size)
    )


def classify_stored(batch: int = BATCH, progress=None) -> int:
    """Classify every stored product without a given code whose kept classification is missing or from
    another model version, `batch` at a time, each batch committed; return how many were classified."""
    version = classifier_version()
    table = Product.__table__
    statement = (
        update(table)
        .where(table.c.id == bindparam("product_id"))
        .values({name: bindparam(f"new_{name}") for name in CLASSIFIED_COLUMNS})
    )
    done, last = 0, 0
    while True:
        rows = db.session.execute(pending_query(version, last, batch)).all()
        if not rows:
            return done
        items = [{"description": row.description} for row in rows]
        classify(items)
        db.session.execute(
            statement,
            [
                {
                    "product_id": row.id,
                    "new_classified_hs_code": item["hs_code"],
                    "new_classified_hs_source": item["hs_source"],
                    "new_classified_hs_score": item["hs_score"],
                    "new_classified_by": version,
                }
                for row, item in zip(rows, items, strict=True)
            ],
        )
        db.session.commit()
        done, last = done + len(rows), rows[-1].id
        if progress is not None:
            progress(done)
