"""HS corrections: record a person's change of a product's HS code (audited) and hand them to training."""

from __future__ import annotations

from sqlalchemy import select

from app.errors import InvalidInput, NotFound
from app.extensions import db
from app.models import HsCorrection, Ikm, User
from app.reference import commodity_of
from app.services import audit
from app.services.models import current_models

AUDIT_ACTION = "hs.correct"


def _proposals(descriptions: list[str]) -> tuple[list[str | None], str | None]:
    """The classifier's top code for each description (one batch call) and the model version."""
    classifier = current_models().hs_classifier
    ranked = classifier.rank_many(descriptions, 1) if descriptions else []
    return [(candidates[0]["hs_code"] if candidates else None) for candidates in ranked], classifier.version


def _add_many(ikm: Ikm, changes: list[tuple[int, str, str | None, str]], note, user) -> list[HsCorrection]:
    """Add one correction row and its audit event per (position, description, previous, hs_code) change
    to the current transaction; the classifier's proposals for all of them come from one batch call."""
    if user is None:
        from app.auth import current_actor

        user = current_actor()
    predicted, version = _proposals([description for _, description, _, _ in changes])
    corrections = []
    for (position, description, previous, hs_code), proposal in zip(changes, predicted, strict=True):
        correction = HsCorrection(
            ikm_id=ikm.id,
            position=position,
            description=description,
            previous_code=previous,
            hs_code=hs_code,
            predicted_code=proposal,
            model_version=version,
            note=note,
            corrected_by_id=user.id if isinstance(user, User) else None,
        )
        db.session.add(correction)
        db.session.flush()
        audit.record(
            AUDIT_ACTION,
            "ikm",
            ikm.id,
            before={"position": position, "description": description, "hs_code": previous},
            after={"position": position, "hs_code": hs_code, "correction_id": correction.id, "note": note},
            actor=user,
        )
        corrections.append(correction)
    return corrections


def correct_product_hs(ikm: Ikm, position: int, hs_code: str, note: str | None = None, user=None) -> dict:
    """Set the HS code of the IKM's product at `position` (0-based), recording the correction."""
    products = sorted(ikm.products, key=lambda product: product.position)
    if not 0 <= position < len(products):
        raise NotFound(
            f"IKM {ikm.id} tidak punya produk nomor {position}. / IKM {ikm.id} has no product {position}."
        )
    product = products[position]
    if product.hs_code == hs_code:
        raise InvalidInput(
            f"Produk sudah berkode HS {hs_code}. / The product already has HS code {hs_code}.",
            errors={"json": {"hs_code": ["Unchanged / tidak berubah."]}},
        )
    (correction,) = _add_many(ikm, [(position, product.description, product.hs_code, hs_code)], note, user)
    product.hs_code = hs_code
    if position == 0:
        ikm.primary_commodity = commodity_of(hs_code)
    from app.services.ikms import assess_stored_ikm  # ikms imports this module

    assess_stored_ikm(ikm)  # the requirements follow the product's code
    db.session.commit()
    return correction.as_dict()


def record_profile_changes(ikm: Ikm, before: list[dict], user=None) -> list[HsCorrection]:
    """Record a correction for each product whose description stayed and whose HS code changed to a code
    (a profile update that replaces the product list); the caller commits."""
    after = [product.to_profile() for product in sorted(ikm.products, key=lambda product: product.position)]
    changes = [
        (position, new["description"], old.get("hs_code"), new["hs_code"])
        for position, (old, new) in enumerate(zip(before, after, strict=False))
        if new.get("hs_code")
        and old["description"] == new["description"]
        and old.get("hs_code") != new["hs_code"]
    ]
    return _add_many(ikm, changes, None, user) if changes else []


def list_corrections(ikm: Ikm) -> list[dict]:
    """An IKM's HS corrections, oldest first."""
    query = select(HsCorrection).where(HsCorrection.ikm_id == ikm.id).order_by(HsCorrection.id)
    return [correction.as_dict() for correction in db.session.scalars(query)]


def training_pairs() -> list[tuple[str, str]]:
    """(description, hs_code) for training: the latest correction of each IKM's product description."""
    latest: dict[tuple[int, str], str] = {}
    for correction in db.session.scalars(select(HsCorrection).order_by(HsCorrection.id)):
        latest[(correction.ikm_id, correction.description)] = correction.hs_code
    return [(description, code) for (_, description), code in latest.items()]
