"""Bulk-import schemas: the upload, its options and the report."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate


class ImportUploadSchema(Schema):
    """The uploaded file (multipart/form-data, field `file`): CSV or XLSX as in the template."""

    file = Upload(required=True, metadata={"description": "CSV (UTF-8, UTF-8 BOM or Windows-1252) or XLSX"})


class ImportOptionsSchema(Schema):
    """Which region the file is for and whether valid rows are kept when others fail."""

    region = fields.String(
        validate=validate.Regexp(r"^\d{2}(\.\d{2})?\Z"),
        metadata={"description": "PP.KK or PP; a district's or province's own region by default"},
    )
    partial = fields.Boolean(
        load_default=False, metadata={"description": "Keep the valid rows (default: all or nothing)"}
    )


class ImportErrorSchema(Schema):
    """One problem: line in the file, column, message in Bahasa Indonesia and English, the value read."""

    line = fields.Integer()
    column = fields.String(allow_none=True)
    message_id = fields.String()
    message_en = fields.String()
    value = fields.String()


class ImportReportSchema(Schema):
    """What an import read, what it wrote, and every problem found."""

    file = fields.String()
    region = fields.String()
    format = fields.String(metadata={"description": "csv or xlsx"})
    encoding = fields.String(allow_none=True)
    partial = fields.Boolean()
    rows = fields.Integer()
    valid = fields.Integer()
    invalid = fields.Integer()
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    written = fields.Boolean()
    errors = fields.List(fields.Nested(ImportErrorSchema))
