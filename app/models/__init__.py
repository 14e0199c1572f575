"""SQLAlchemy models, one module per aggregate; importing this package registers them all."""

from app.models.application import Application, CaseComment
from app.models.assessment import Assessment
from app.models.audit import AuditEvent
from app.models.country import Country
from app.models.hs import HsCode
from app.models.hs_correction import HsCorrection
from app.models.ikm import Certification, Ikm, Product
from app.models.invitation import OwnerInvitation
from app.models.job import Job, PolicyAdoption
from app.models.programme import Programme
from app.models.region import Province, Regency
from app.models.target import Target
from app.models.user import ApiToken, User

__all__ = [
    "ApiToken",
    "Application",
    "Assessment",
    "AuditEvent",
    "CaseComment",
    "Certification",
    "Country",
    "HsCode",
    "HsCorrection",
    "Ikm",
    "Job",
    "OwnerInvitation",
    "PolicyAdoption",
    "Product",
    "Programme",
    "Province",
    "Regency",
    "Target",
    "User",
]
