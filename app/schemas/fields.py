"""Field types shared by the schemas."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate

from app.vocabulary import UNSAFE_TEXT

# Database ids are 32-bit integer columns: a larger id cannot exist, so it is a validation error (422).
MAX_DB_ID = 2**31 - 1
DB_ID = validate.Range(min=1, max=MAX_DB_ID)


class CleanString(fields.String):
    """A string that is trimmed and refuses NUL, other control characters and unpaired surrogates."""

    def _deserialize(self, value, attr, data, **kwargs):
        """Trim the text and reject characters a database or a CSV file cannot hold."""
        text = super()._deserialize(value, attr, data, **kwargs)
        if UNSAFE_TEXT.search(text) is not None:
            raise ValidationError(
                "Teks berisi karakter kontrol atau tidak valid (UTF-8). / "
                "Text contains control characters or is not valid UTF-8."
            )
        return text.strip()


class StrictInteger(fields.Integer):
    """An integer that refuses floats, booleans and numeric strings (marshmallow 4's Integer(strict=True)
    already refuses True and False, which Python treats as integers)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(strict=True, **kwargs)


class StrictBoolean(fields.Boolean):
    """A JSON true or false only (no 0/1, "yes" or "true" strings)."""

    def _deserialize(self, value, attr, data, **kwargs):
        """Accept the two JSON booleans and nothing else."""
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class IsoDate(fields.Date):
    """An ISO date that also dumps values already written as ISO strings (profile snapshots)."""

    def _serialize(self, value, attr, obj, **kwargs):
        """Pass ISO strings through; format dates."""
        if isinstance(value, str):
            return value
        return super()._serialize(value, attr, obj, **kwargs)
