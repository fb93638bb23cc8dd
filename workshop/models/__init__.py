"""Typed tables, one module per feature; importing this package registers them all."""

from workshop.models.base import utcnow
from workshop.models.consultations import (
    AgeGroup,
    Attachment,
    Channel,
    Comment,
    Consultation,
    ConsultationStatus,
    Relation,
    Section,
)
from workshop.models.staff import Role, User
from workshop.models.workshops import (
    Need,
    ParticipationMode,
    Registration,
    RegistrationStatus,
    Workshop,
    WorkshopFormat,
)

__all__ = [
    "AgeGroup",
    "Attachment",
    "Channel",
    "Comment",
    "Consultation",
    "ConsultationStatus",
    "Need",
    "ParticipationMode",
    "Registration",
    "RegistrationStatus",
    "Relation",
    "Role",
    "Section",
    "User",
    "Workshop",
    "WorkshopFormat",
    "utcnow",
]
