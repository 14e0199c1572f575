"""Schemas for the look-ups the forms need: regions, countries, HS codes."""

from marshmallow import Schema, fields, validate

from app.schemas.fields import CleanString


class RegencySchema(Schema):
    """A kabupaten/kota."""

    code = fields.String()
    bps_code = fields.String(allow_none=True)
    province_code = fields.String()
    name = fields.String()
    kind = fields.String()
    lat = fields.Float()
    lng = fields.Float()


class ProvinceSchema(Schema):
    """A province with its kabupaten/kota."""

    code = fields.String()
    name = fields.String()
    lat = fields.Float()
    lng = fields.Float()
    regencies = fields.List(fields.Nested(RegencySchema))


class RegionQuerySchema(Schema):
    """Filter regions by province."""

    province = fields.String(validate=validate.Regexp(r"^\d{2}\Z"))


class ProvinceSummarySchema(Schema):
    """A province without its kabupaten/kota."""

    code = fields.String()
    name = fields.String()
    lat = fields.Float()
    lng = fields.Float()


class RegionListSchema(Schema):
    """Provinces, or the kabupaten/kota of one province."""

    provinces = fields.List(fields.Nested(ProvinceSummarySchema))
    regencies = fields.List(fields.Nested(RegencySchema))


class CountrySchema(Schema):
    """A country with its ISO codes and UN region."""

    iso2 = fields.String()
    iso3 = fields.String(allow_none=True)
    name = fields.String()
    region = fields.String(allow_none=True)
    sub_region = fields.String(allow_none=True)


class CountryListSchema(Schema):
    """All countries."""

    countries = fields.List(fields.Nested(CountrySchema))


class HsQuerySchema(Schema):
    """Search HS 2022 by words and/or code prefix."""

    q = CleanString(validate=validate.Length(min=1, max=100))
    prefix = fields.String(validate=validate.Regexp(r"^\d{1,6}\Z"))
    level = fields.Integer(validate=validate.OneOf((2, 4, 6)))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))


class HsCodeSchema(Schema):
    """An HS 2022 code."""

    hs_code = fields.String(attribute="code")
    level = fields.Integer()
    parent = fields.String(allow_none=True)
    section = fields.String()
    description = fields.String()


class HsListSchema(Schema):
    """HS codes matching a search."""

    codes = fields.List(fields.Nested(HsCodeSchema))
