"""IKM profile schema: every validation rule of contract.md's profile table."""

from __future__ import annotations

from datetime import date

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from app import reference
from app.schemas.fields import CleanString, IsoDate, StrictInteger
from app.schemas.pagination import PageSchema, PaginationQuerySchema

# The profile vocabulary and bounds are declared in app/vocabulary.py (shared with the engine's batch
# validator); LEGAL_FORMS, MAX_PRODUCTS etc. stay importable from this module.
from app.vocabulary import (
    CAPACITY_UNITS,
    COMMODITIES,
    CREDIT_STATUSES,
    DESCRIPTION_MAX_LENGTH,
    DESCRIPTION_MIN_LENGTH,
    EMAIL_MAX_LENGTH,
    GROUP_KINDS,
    HS_CODE_LENGTH,
    LEGAL_FORMS,
    MAX_CAPACITY,
    MAX_CERTIFICATIONS,
    MAX_EMPLOYEES,
    MAX_EXPORT_MARKETS,
    MAX_OVOP_STARS,
    MAX_PRODUCTS,
    MAX_REVENUE_IDR,
    MAX_TARGET_MARKETS,
    MIN_PRODUCTS,
    MIN_YEAR,
    NAME_MAX_LENGTH,
    NAME_MIN_LENGTH,
    NIB_PATTERN,
    OWNER_GENDERS,
    OWNER_NAME_MAX_LENGTH,
    PHONE_PATTERN,
    founded_on_problem,
)


def _check_year(value: int) -> None:
    """Accept 1900 … the current year."""
    this_year = date.today().year
    if not MIN_YEAR <= value <= this_year:
        raise ValidationError(
            f"Tahun harus antara {MIN_YEAR} dan {this_year}. / Year must be {MIN_YEAR}–{this_year}."
        )


def _check_country(value: str) -> None:
    """Accept an ISO 3166-1 alpha-2 code from the reference country list."""
    if value not in reference.country_codes():
        raise ValidationError(
            f"Kode negara {value!r} tidak dikenal (ISO 3166-1 alpha-2). / Unknown country code {value!r}."
        )


def kecamatan_outside_region(kecamatan_code: str | None, region_code: str | None) -> str | None:
    """The message when a kecamatan lies outside the IKM's kabupaten/kota (both known), else None."""
    if kecamatan_code and region_code and kecamatan_code[:5] != region_code:
        return (
            f"Kecamatan {kecamatan_code} tidak berada di kabupaten/kota {region_code}. "
            f"/ Kecamatan {kecamatan_code} is not in kabupaten/kota {region_code}."
        )
    return None


def hs_code_exists(value: str) -> None:
    """Accept six digits that exist in HS 2022 (the one HS code validator of the API's schemas)."""
    if not (len(value) == HS_CODE_LENGTH and value.isdigit()):
        raise ValidationError("Kode HS harus 6 digit. / HS code must be 6 digits.")
    if value not in reference.hs6_descriptions():
        raise ValidationError(f"Kode HS {value} tidak ada di HS 2022. / HS code {value} is not in HS 2022.")


class GroupSchema(Schema):
    """Membership of a sentra, cooperative or village group."""

    kind = fields.String(required=True, validate=validate.OneOf(GROUP_KINDS))
    members = StrictInteger(required=True, validate=validate.Range(min=0, max=MAX_EMPLOYEES))


class ProductSchema(Schema):
    """A product: description required; HS code optional (classified when absent)."""

    description = CleanString(
        required=True, validate=validate.Length(min=DESCRIPTION_MIN_LENGTH, max=DESCRIPTION_MAX_LENGTH)
    )
    hs_code = fields.String(load_default=None, allow_none=True, validate=hs_code_exists)
    monthly_capacity = fields.Float(
        allow_none=True, allow_nan=False, validate=validate.Range(min=0, max=MAX_CAPACITY)
    )
    capacity_unit = fields.String(allow_none=True, validate=validate.OneOf(CAPACITY_UNITS))


class CertificationSchema(Schema):
    """A held certificate with an optional expiry date."""

    code = fields.String(required=True)
    valid_until = IsoDate(allow_none=True)

    @validates("code")
    def _code_known(self, value: str, **_) -> None:
        """Accept only the codes of policy-v1 §2."""
        if value not in reference.certification_codes():
            raise ValidationError(
                f"Kode sertifikat {value!r} tidak dikenal. / Unknown certification code {value!r}. "
                f"Allowed: {', '.join(reference.certification_codes())}."
            )


class ExportHistorySchema(Schema):
    """Past exports: direct, indirect (through a trader), markets and the last year."""

    direct = fields.Boolean(allow_none=True)
    indirect = fields.Boolean(allow_none=True)
    markets = fields.List(
        fields.String(validate=_check_country), validate=validate.Length(max=MAX_EXPORT_MARKETS)
    )
    last_export_year = StrictInteger(allow_none=True, validate=_check_year)


class BuyerContractSchema(Schema):
    """A buyer contract, purchase order or letter of credit for a market."""

    market = fields.String(required=True, validate=_check_country)


class PracticesSchema(Schema):
    """Management and digital practices."""

    bookkeeping = fields.Boolean(allow_none=True)
    bank_account = fields.Boolean(allow_none=True)
    email = fields.Boolean(allow_none=True)
    website = fields.Boolean(allow_none=True)
    marketplace = fields.Boolean(allow_none=True)


class IkmProfileSchema(Schema):
    """The IKM profile of contract.md, validated rule by rule."""

    name = CleanString(required=True, validate=validate.Length(min=NAME_MIN_LENGTH, max=NAME_MAX_LENGTH))
    nib = fields.String(
        allow_none=True,
        validate=validate.Regexp(NIB_PATTERN, error="NIB harus 13 digit. / NIB must be 13 digits."),
    )
    legal_form = fields.String(allow_none=True, validate=validate.OneOf(LEGAL_FORMS))
    region_code = fields.String(required=True)
    kecamatan_code = fields.String(
        allow_none=True,
        metadata={"description": "Kemendagri kecamatan code PP.KK.CC inside region_code (optional)."},
    )
    founded_year = StrictInteger(allow_none=True, validate=_check_year)
    founded_on = IsoDate(
        allow_none=True,
        metadata={"description": "Founding date (policy v1.1 A7); must agree with founded_year when both."},
    )
    employees = StrictInteger(allow_none=True, validate=validate.Range(min=0, max=MAX_EMPLOYEES))
    annual_revenue_idr = StrictInteger(allow_none=True, validate=validate.Range(min=0, max=MAX_REVENUE_IDR))
    owner_gender = fields.String(allow_none=True, validate=validate.OneOf(OWNER_GENDERS))
    owner_name = CleanString(allow_none=True, validate=validate.Length(max=OWNER_NAME_MAX_LENGTH))
    contact_email = fields.Email(allow_none=True, validate=validate.Length(max=EMAIL_MAX_LENGTH))
    contact_phone = fields.String(
        allow_none=True,
        validate=validate.Regexp(PHONE_PATTERN, error="Nomor telepon tidak valid."),
    )
    credit_status = fields.String(allow_none=True, validate=validate.OneOf(CREDIT_STATUSES))
    group = fields.Nested(GroupSchema, allow_none=True)
    ovop_stars = StrictInteger(allow_none=True, validate=validate.Range(min=0, max=MAX_OVOP_STARS))
    products = fields.List(
        fields.Nested(ProductSchema),
        required=True,
        validate=validate.Length(min=MIN_PRODUCTS, max=MAX_PRODUCTS),
    )
    certifications = fields.List(
        fields.Nested(CertificationSchema),
        load_default=list,
        validate=validate.Length(max=MAX_CERTIFICATIONS),
    )
    export_history = fields.Nested(ExportHistorySchema, allow_none=True)
    target_markets = fields.List(
        fields.String(validate=_check_country),
        load_default=list,
        validate=validate.Length(max=MAX_TARGET_MARKETS),
    )
    buyer_contract = fields.Nested(BuyerContractSchema, allow_none=True)
    practices = fields.Nested(PracticesSchema, allow_none=True)

    @validates_schema
    def _founded_on_checked(self, data: dict, **_) -> None:
        """founded_on by the one founding-date rule (vocabulary.founded_on_problem)."""
        if data.get("founded_on") is not None:
            problem = founded_on_problem(data["founded_on"], data.get("founded_year"))
            if problem:
                raise ValidationError(problem, "founded_on")

    @validates("kecamatan_code")
    def _kecamatan_exists(self, value: str | None, **_) -> None:
        """Accept a Kemendagri kecamatan code `PP.KK.CC` that exists in the reference data."""
        if value is not None and value not in reference.kecamatan_names():
            raise ValidationError(
                f"Kode kecamatan {value!r} tidak dikenal (PP.KK.CC). "
                f"/ {value!r} is not a Kemendagri kecamatan code (PP.KK.CC)."
            )

    @validates_schema
    def _kecamatan_in_region(self, data: dict, **_) -> None:
        """A kecamatan, when given with its kabupaten/kota, lies inside it."""
        message = kecamatan_outside_region(data.get("kecamatan_code"), data.get("region_code"))
        if message:
            raise ValidationError(message, "kecamatan_code")

    @validates("region_code")
    def _region_exists(self, value: str, **_) -> None:
        """Accept a Kemendagri kabupaten/kota code `PP.KK` that exists in the reference data."""
        if value not in reference.regency_codes():
            raise ValidationError(
                f"Kode wilayah {value!r} bukan kabupaten/kota Kemendagri (PP.KK). "
                f"/ {value!r} is not a Kemendagri kabupaten/kota code (PP.KK)."
            )


class IkmSchema(IkmProfileSchema):
    """A stored IKM: the profile plus its id and timestamps."""

    id = fields.Integer(dump_only=True)
    province_code = fields.String(dump_only=True)
    primary_commodity = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class IkmSummarySchema(Schema):
    """One line of the IKM list."""

    id = fields.Integer()
    name = fields.String()
    region_code = fields.String()
    province_code = fields.String()
    primary_commodity = fields.String()
    ovop_stars = fields.Integer(allow_none=True)


class IkmListQuerySchema(PaginationQuerySchema):
    """Filters and pagination for GET /ikms."""

    region = fields.String(validate=validate.Regexp(r"^\d{2}\.\d{2}\Z"))
    province = fields.String(validate=validate.Regexp(r"^\d{2}\Z"))
    commodity = fields.String(validate=validate.OneOf(COMMODITIES))


class IkmPageSchema(PageSchema):
    """A page of IKM summaries."""

    items = fields.List(fields.Nested(IkmSummarySchema))


class IkmPatchSchema(IkmProfileSchema):
    """A partial profile for PATCH: any non-empty subset of fields, each validated as on create.

    Only the top-level fields are optional: a product, certificate or group that is sent replaces the
    stored one and must be complete (a product needs its description, a group its kind).
    """

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("partial", tuple(IkmProfileSchema._declared_fields))
        super().__init__(*args, **kwargs)

    @validates_schema(pass_original=True)
    def _not_empty(self, data: dict, original, **_) -> None:
        """Refuse an empty change (nothing to do is a client error, not a silent 200)."""
        if isinstance(original, dict) and not original:
            raise ValidationError(
                "Kirim minimal satu kolom yang diubah. / Send at least one field to change.", "_schema"
            )
