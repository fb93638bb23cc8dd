"""Typed tables, one module per feature; importing this package registers them all."""

from workshop.models.analysis import (
    Analysis,
    AnalysisParams,
    AnalysisTheme,
    CommentMask,
    CommentTokens,
    Correction,
    Job,
    JobKind,
    JobStatus,
    Outcome,
    Publication,
    ThemeAssignment,
    ThemeResponse,
)
from workshop.models.audit import AuditEntry
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
from workshop.models.security import LoginFailure
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
    "Analysis",
    "AnalysisParams",
    "AnalysisTheme",
    "Attachment",
    "AuditEntry",
    "Channel",
    "Comment",
    "CommentMask",
    "CommentTokens",
    "Consultation",
    "ConsultationStatus",
    "Correction",
    "Job",
    "JobKind",
    "JobStatus",
    "LoginFailure",
    "Need",
    "Outcome",
    "ParticipationMode",
    "Publication",
    "Registration",
    "RegistrationStatus",
    "Relation",
    "Role",
    "Section",
    "ThemeAssignment",
    "ThemeResponse",
    "User",
    "Workshop",
    "WorkshopFormat",
    "utcnow",
]
