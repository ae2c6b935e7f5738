"""Domain models, one file each, re-exported here."""

from .api_token import ApiToken, ApiWrite, ExportFile
from .assignment import (
    TAKES_PROGRESS,
    TRANSITIONS,
    Action,
    Actor,
    Assignment,
    AssignmentQuerySet,
    ProgressClosed,
    ReportGroup,
    Standing,
    Status,
    TransitionError,
    headline_rate,
    standing_for,
)
from .attachment import Attachment
from .calendar_feed import CalendarFeed
from .directive import Directive
from .document import Document
from .event import Event
from .explanation import ExplanationFile, ExplanationRequest
from .extension import ExtensionRequest
from .membership import Membership, Role
from .progress import AppendOnlyError, DeadlineChange, ProgressUpdate
from .reminder import Notification, Reminder
from .reminder_run import ReminderRun
from .reporting import (
    SUBMISSION_TRANSITIONS,
    Frequency,
    ReportingObligation,
    ReportStatus,
    ReportSubmission,
    ReportSubmissionEvent,
    ReportSubmissionFile,
    SubmissionState,
)
from .scorecard import ScorecardFormula, ScoredPeriod, UnitPeriodScore
from .tally import AssignmentTally, DocumentTally
from .unit import Unit, UnitKind
from .webhook import WebhookAttempt, WebhookDelivery, WebhookEndpoint

__all__ = [
    "ApiToken",
    "ApiWrite",
    "ExportFile",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "TAKES_PROGRESS",
    "TRANSITIONS",
    "Action",
    "Actor",
    "AppendOnlyError",
    "Assignment",
    "Attachment",
    "AssignmentQuerySet",
    "CalendarFeed",
    "AssignmentTally",
    "DocumentTally",
    "DeadlineChange",
    "Directive",
    "Document",
    "Event",
    "ExplanationFile",
    "ExplanationRequest",
    "ExtensionRequest",
    "Membership",
    "Notification",
    "ProgressClosed",
    "ProgressUpdate",
    "Reminder",
    "ReminderRun",
    "ScorecardFormula",
    "ScoredPeriod",
    "UnitPeriodScore",
    "ReportStatus",
    "ReportSubmission",
    "ReportSubmissionEvent",
    "ReportSubmissionFile",
    "ReportingObligation",
    "SUBMISSION_TRANSITIONS",
    "SubmissionState",
    "Frequency",
    "ReportGroup",
    "Role",
    "Standing",
    "Status",
    "TransitionError",
    "Unit",
    "UnitKind",
    "headline_rate",
    "standing_for",
]
from . import history  # noqa: E402,F401  (trust: the audit trail; registers history models)
