"""One page of a query, with the counts a client needs to page through it."""

from __future__ import annotations

import math

from sqlalchemy import func, select

from app.extensions import db


def paginate(query, page: int, page_size: int, count_query=None, rows: bool = False) -> dict:
    """Rows of page `page` of `query`, with total and page count (counted on `count_query` when given).

    Items are the first column's objects, or whole result rows when `rows` is true (multi-column selects).
    """
    counted = (count_query if count_query is not None else query).order_by(None)
    total = db.session.scalar(select(func.count()).select_from(counted.subquery()))
    window = query.offset((page - 1) * page_size).limit(page_size)
    items = db.session.execute(window).all() if rows else db.session.scalars(window).all()
    return {
        "items": items,
        "total": total,
        "page": page,
        "page_size": page_size,
        "pages": math.ceil(total / page_size) if total else 0,
    }
