"""Who may see and do what: roles, regional scopes and object-level checks (README "Accounts and roles").

Every check takes the acting user and the object; the API, the pages and the CLI share them.
"""

from __future__ import annotations

from sqlalchemy import false, true

from app.errors import Forbidden, Unauthorized
from app.models import Ikm, User

# LPEI staff: see every IKM and case.
STAFF_ROLES = frozenset({"advisor", "supervisor", "admin"})
# May decide cases (approve, refer, reject) and start a review.
DECIDER_ROLES = frozenset({"advisor", "supervisor", "admin"})
# May assign and reassign cases, and read the override report.
SUPERVISOR_ROLES = frozenset({"supervisor", "admin"})
# May upload bulk imports of IKM profiles.
IMPORTER_ROLES = frozenset({"district", "province", "admin"})
# Sees aggregates only, never a name, NIB, NPWP or contact detail.
AGGREGATE_ONLY_ROLES = frozenset({"ministry"})
# Profile fields an owner may not change on their own IKM: the credit status comes from the bank (SLIK
# OJK), the OVOP stars from the programme's curation, and the kabupaten/kota decides which district is
# responsible (and flips financing eligibility). Regional offices and LPEI staff change them.
OWNER_READ_ONLY_FIELDS = ("credit_status", "ovop_stars", "region_code")


def require_user(user: User | None) -> User:
    """The caller, or 401 when nobody is signed in."""
    if user is None:
        raise Unauthorized(
            "Masuk terlebih dahulu: kirim header Authorization: Bearer <token>. / "
            "Authentication required: send Authorization: Bearer <token>."
        )
    return user


def require_role(user: User | None, roles: frozenset[str]) -> User:
    """The caller when their role is one of `roles`; 401 without a caller, 403 otherwise."""
    user = require_user(user)
    if user.role not in roles:
        raise Forbidden(
            f"Peran {user.role!r} tidak berhak melakukan ini. / Role {user.role!r} may not do this.",
            extra={"allowed_roles": sorted(roles)},
        )
    return user


def require_personal_data_access(user: User | None) -> User:
    """The caller unless their role sees aggregates only (ministry): 403 then."""
    user = require_user(user)
    if user.role in AGGREGATE_ONLY_ROLES:
        raise Forbidden(
            "Peran kementerian hanya melihat data agregat, bukan data pribadi IKM. / "
            "The ministry role sees aggregates only, never personal data of an IKM."
        )
    return user


def region_in_scope(user: User, region_code: str | None) -> bool:
    """Tell whether a kabupaten/kota code lies in the caller's region (staff: everywhere)."""
    if user.role in STAFF_ROLES:
        return True
    if region_code is None or not user.region_code:
        return False
    if user.role == "district":
        return region_code == user.region_code
    if user.role == "province":
        return region_code[:2] == user.region_code[:2]
    return False


def ikm_in_scope(user: User, ikm: Ikm) -> bool:
    """Tell whether the caller may see this IKM: owners their own, regions theirs, staff all."""
    if user.role in AGGREGATE_ONLY_ROLES:
        return False
    if user.role == "owner":
        return user.ikm_id is not None and user.ikm_id == ikm.id
    return region_in_scope(user, ikm.region_code)


def require_ikm_access(user: User | None, ikm: Ikm) -> User:
    """The caller when they may see and change this IKM; 401 / 403 otherwise."""
    user = require_personal_data_access(user)
    if not ikm_in_scope(user, ikm):
        raise Forbidden(
            f"IKM {ikm.id} di luar wilayah atau kewenangan Anda. / IKM {ikm.id} is outside your scope."
        )
    return user


def require_region_access(user: User | None, region_code: str | None) -> User:
    """The caller when they may register an IKM in this kabupaten/kota (owners: their own, once)."""
    user = require_personal_data_access(user)
    if user.role == "owner":
        if user.ikm_id is not None:
            raise Forbidden(
                "Akun pemilik sudah terhubung ke satu IKM. / This owner account already has its IKM."
            )
        return user
    if not region_in_scope(user, region_code):
        raise Forbidden(
            f"Wilayah {region_code} di luar kewenangan Anda. / Region {region_code} is outside your scope.",
            errors={"json": {"region_code": ["Outside your region / di luar wilayah Anda."]}},
        )
    return user


def ikm_scope_clause(user: User):
    """A SQL condition on Ikm limiting a query to what the caller may see."""
    if user.role in STAFF_ROLES:
        return true()
    if user.role == "owner":
        return Ikm.id == user.ikm_id if user.ikm_id is not None else false()
    if user.role == "district" and user.region_code:
        return Ikm.region_code == user.region_code
    if user.role == "province" and user.region_code:
        return Ikm.province_code == user.region_code[:2]
    return false()


def ikm_scope(user: User):
    """A function narrowing a select over Ikm to the caller's scope (for `list_ikms(..., scope=...)`)."""
    clause = ikm_scope_clause(user)
    return lambda query: query.where(clause)


def require_ikm_change(user: User | None, ikm: Ikm, changes: dict) -> User:
    """The caller when they may apply `changes` to this IKM (a move must land inside their region too)."""
    user = require_ikm_access(user, ikm)
    if user.role == "owner":
        refused = [
            field
            for field in OWNER_READ_ONLY_FIELDS
            if field in changes and changes[field] != getattr(ikm, field)
        ]
        if refused:
            message = (
                "Hanya dinas daerah atau staf LPEI yang boleh mengubah kolom ini. / "
                "Only the regional office or LPEI staff may change this field."
            )
            raise Forbidden(
                f"{message} ({', '.join(refused)})", errors={"json": {field: [message] for field in refused}}
            )
    new_region = changes.get("region_code")
    if new_region and new_region != ikm.region_code:  # owners were refused above
        require_region_access(user, new_region)
    return user


def require_assessment_access(user: User | None, assessment) -> User:
    """The caller when they may read a stored assessment: its IKM's scope, or their own self-check."""
    user = require_personal_data_access(user)
    if assessment.ikm is not None:
        return require_ikm_access(user, assessment.ikm)
    if user.role in STAFF_ROLES or (
        assessment.created_by_id is not None and assessment.created_by_id == user.id
    ):
        return user
    raise Forbidden(
        f"Penilaian {assessment.id} bukan milik Anda. / Assessment {assessment.id} is not yours to read."
    )


def keeps_personal_data(user: User | None) -> bool:
    """Whether a self-check by this caller keeps names, NIB and contacts (signed in, not ministry)."""
    return user is not None and user.role not in AGGREGATE_ONLY_ROLES


def require_case_access(user: User | None, case) -> User:
    """The caller when the case's IKM is in their scope (owners, regions, staff); 401 / 403 otherwise."""
    user = require_personal_data_access(user)
    if not ikm_in_scope(user, case.ikm):
        raise Forbidden(f"Kasus {case.id} di luar kewenangan Anda. / Case {case.id} is outside your scope.")
    return user


def require_staff(user: User | None) -> User:
    """The caller when they are LPEI staff (advisor, supervisor, admin)."""
    return require_role(user, STAFF_ROLES)


def sees_internal_comments(user: User) -> bool:
    """LPEI staff see internal comments; owners and regions see the others."""
    return user.role in STAFF_ROLES
