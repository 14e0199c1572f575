"""Account schemas: the signed-in caller."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class AccountSchema(Schema):
    """An account as its owner sees it."""

    id = fields.Integer()
    email = fields.String()
    role = fields.String()
    region_code = fields.String(allow_none=True)
    ikm_id = fields.Integer(allow_none=True)
    active = fields.Boolean()


class AccountListSchema(Schema):
    """Accounts that cases can be assigned to."""

    users = fields.List(fields.Nested(AccountSchema))


class AccountQuerySchema(Schema):
    """Filter accounts by role."""

    role = fields.String(validate=validate.OneOf(("advisor", "supervisor")))
