"""IKM use cases: create, read, update and list profiles."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.errors import Conflict, InvalidInput, NotFound
from app.extensions import db
from app.models import Certification, Ikm, Product
from app.reference import commodity_of
from app.schemas.ikm import kecamatan_outside_region
from app.services import audit, clock
from app.services.pagination import paginate
from app.vocabulary import SCALAR_PROFILE_FIELDS

# Columns copied as they are; group and buyer_contract are flattened, products and certifications are rows.
SCALAR_FIELDS = (*SCALAR_PROFILE_FIELDS, "export_history", "target_markets", "practices")


@dataclass(frozen=True)
class IkmFilters:
    """Which IKM a list shows: by kabupaten/kota, province and commodity."""

    region: str | None = None
    province: str | None = None
    commodity: str | None = None


def ikm_as_dict(ikm: Ikm) -> dict:
    """Return the stored IKM as the API shows it: the profile plus id and bookkeeping fields."""
    return {
        "id": ikm.id,
        **ikm.to_profile(),
        "province_code": ikm.province_code,
        "primary_commodity": ikm.primary_commodity,
        "created_at": ikm.created_at,
        "updated_at": ikm.updated_at,
    }


def apply_profile(ikm: Ikm, data: dict) -> None:
    """Copy validated profile fields onto the model; lists present in `data` replace the old ones."""
    for field in SCALAR_FIELDS:
        if field in data:
            value = data[field]
            if field == "export_history" and value is not None:
                value = {key: item for key, item in value.items() if item is not None}
            setattr(ikm, field, value)
    if "region_code" in data:
        ikm.province_code = data["region_code"][:2]
    if "group" in data:
        group = data["group"] or {}
        ikm.group_kind = group.get("kind")
        ikm.group_members = group.get("members")
    if "buyer_contract" in data:
        ikm.buyer_contract_market = (data["buyer_contract"] or {}).get("market")
    if "products" in data:
        ikm.products = [
            Product(
                position=position,
                description=item["description"],
                hs_code=item.get("hs_code"),
                monthly_capacity=item.get("monthly_capacity"),
                capacity_unit=item.get("capacity_unit"),
            )
            for position, item in enumerate(data["products"])
        ]
        ikm.primary_commodity = commodity_of(ikm.products[0].hs_code)
    if "certifications" in data:
        ikm.certifications = [
            Certification(code=item["code"], valid_until=item.get("valid_until"))
            for item in data["certifications"]
        ]


def assess_stored_ikm(ikm: Ikm) -> None:
    """Give a created or changed IKM its current assessment (today), in the caller's transaction."""
    from app.auth import current_actor

    actor = current_actor()
    assess_and_store(ikm, clock.utcnow().date(), created_by_id=getattr(actor, "id", None))


def assess_and_store(ikm: Ikm, as_of, created_by_id: int | None = None) -> None:
    """Assess a stored IKM on a date and store the assessment; its products stored without a code keep the
    classification the assessment used (app/simulation/classified.py)."""
    from app.services.assessments import evaluate, store_assessment
    from app.simulation.classified import keep_classification

    profile = ikm.to_profile()
    result = evaluate(profile, as_of)
    keep_classification(ikm.products, result["products"])
    store_assessment(profile, result, ikm=ikm, created_by_id=created_by_id)


def _check_nib_free(nib: str | None, own_id: int | None = None) -> None:
    """Refuse a NIB that another IKM already has (409 naming the field, once the database refused it)."""
    if not nib:
        return
    other = db.session.scalar(select(Ikm.id).where(Ikm.nib == nib))
    if other is not None and other != own_id:
        raise Conflict(
            f"NIB {nib} sudah terdaftar untuk IKM lain. / NIB {nib} is already registered to another IKM.",
            errors={"json": {"nib": ["Already registered / sudah terdaftar."]}},
        )


def _flush_or_conflict(nib: str | None, own_id: int | None = None) -> None:
    """Flush; a NIB another IKM has (the unique index says so, also against a simultaneous request)
    becomes a 409 naming the field, nothing written."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        _check_nib_free(nib, own_id)
        raise


def create_ikm(data: dict, owner=None) -> Ikm:
    """Store a new IKM from a validated profile (linked to its owner's account when one registers it)."""
    ikm = Ikm()
    apply_profile(ikm, data)
    db.session.add(ikm)
    _flush_or_conflict(data.get("nib"))
    if owner is not None:
        owner.ikm_id = ikm.id
    audit.record("ikm.create", "ikm", ikm.id, after=ikm.to_profile())
    assess_stored_ikm(ikm)
    db.session.commit()
    return ikm


def get_ikm(ikm_id: int) -> Ikm:
    """Return one IKM or raise NotFound."""
    ikm = db.session.get(Ikm, ikm_id)
    if ikm is None:
        raise NotFound(f"IKM {ikm_id} tidak ditemukan. / IKM {ikm_id} not found.")
    return ikm


def _check_kecamatan(ikm: Ikm, data: dict) -> None:
    """A partial change keeps the kecamatan inside the kabupaten/kota (422 naming kecamatan_code)."""
    message = kecamatan_outside_region(
        data.get("kecamatan_code", ikm.kecamatan_code), data.get("region_code", ikm.region_code)
    )
    if message:
        raise InvalidInput(message, errors={"json": {"kecamatan_code": [message]}})


def update_ikm(ikm: Ikm, data: dict) -> Ikm:
    """Apply a validated partial profile to a stored IKM."""
    _check_kecamatan(ikm, data)
    before = ikm.to_profile()
    ikm_id = ikm.id
    apply_profile(ikm, data)
    _flush_or_conflict(data.get("nib"), own_id=ikm_id)
    if "products" in data:
        from app.services import hs_corrections

        hs_corrections.record_profile_changes(ikm, before.get("products", []))
    old, new = audit.changed_fields(before, ikm.to_profile())
    if new:
        audit.record("ikm.update", "ikm", ikm.id, before=old, after=new)
        assess_stored_ikm(ikm)
    db.session.commit()
    return ikm


def filtered_ikm_query(filters: IkmFilters):
    """Build the select for a filtered IKM list, ordered by id."""
    query = select(Ikm)
    if filters.region:
        query = query.where(Ikm.region_code == filters.region)
    if filters.province:
        query = query.where(Ikm.province_code == filters.province)
    if filters.commodity:
        query = query.where(Ikm.primary_commodity == filters.commodity)
    return query.order_by(Ikm.id)


def list_ikms(filters: IkmFilters, page: int, page_size: int, scope=None) -> dict:
    """Return one page of IKM that match the filters (and the caller's scope, when given)."""
    query = filtered_ikm_query(filters)
    if scope is not None:
        query = scope(query)
    return paginate(query, page, page_size)
