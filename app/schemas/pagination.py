"""Page arguments and page envelopes shared by every paginated list."""

from marshmallow import Schema, fields, validate

PAGE_SIZE_DEFAULT = 50
PAGE_SIZE_MAX = 500
PAGE_MAX = 100_000


class PaginationQuerySchema(Schema):
    """`page` (from 1) and `page_size` (1–500, default 50)."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=PAGE_MAX))
    page_size = fields.Integer(
        load_default=PAGE_SIZE_DEFAULT, validate=validate.Range(min=1, max=PAGE_SIZE_MAX)
    )


class PageSchema(Schema):
    """The envelope of a page; subclasses declare `items`."""

    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()
    pages = fields.Integer()
