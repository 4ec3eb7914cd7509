"""Which tables sync, in what order, and how each may change once written.

The store owns this: the outbox (what to push) and the sync wire (how to push it) both
read it, so the store never needs to import the sync package.
"""

from __future__ import annotations

from fieldapp.store.attachment_models import Attachment
from fieldapp.store.finding_models import Finding
from fieldapp.store.models import (
    Base,
    Contact,
    Contract,
    Customer,
    Device,
    Engineer,
    FeeLine,
    ServiceRequest,
    Signature,
    Site,
    Slip,
)
from fieldapp.store.workflow_models import (
    ArchiveEntry,
    Complaint,
    Event,
    Loaner,
    OpenQuestion,
    ProblemSet,
    RepairOrder,
    ServiceSuggestion,
)

# In dependency order: a record's references come before it in a batch.
SYNC_MODELS: dict[str, type[Base]] = {
    "engineers": Engineer,
    "customers": Customer,
    "contacts": Contact,
    "sites": Site,
    "devices": Device,
    "contracts": Contract,
    "loaners": Loaner,  # the service centre's pool: reference data, flows down
    "service_requests": ServiceRequest,
    # before the slips: a sealed slip's seal (format 4) names its attachments, so the
    # archive checks it with them at hand; the files follow their rows (photos sync)
    "attachments": Attachment,
    "slips": Slip,
    "repair_orders": RepairOrder,  # sealed intake, write-once
    "complaints": Complaint,
    "open_questions": OpenQuestion,
    "archive_entries": ArchiveEntry,  # append-only
    "problem_sets": ProblemSet,  # the group dossier (R2.5): write-once, states are events
    "service_suggestions": ServiceSuggestion,
    "events": Event,  # append-only; after the rows they are about
    "findings": Finding,  # made by the archive only; pulled by staff laptops
}
TABLE_RANK = {name: i for i, name in enumerate(SYNC_MODELS)}
REFERENCE_TABLES = ("engineers", "customers", "contacts", "sites", "devices", "contracts",
                    "loaners")
WORK_TABLES = ("service_requests", "attachments", "slips", "repair_orders", "complaints",
               "open_questions", "archive_entries", "problem_sets", "service_suggestions",
               "events")
# Written by the archive itself: pulled by staff and admins, never accepted from a laptop.
ARCHIVE_MADE_TABLES = ("findings",)
# Written once by one writer and never changed (triggers refuse UPDATE on the first three):
# a record here with other content under the same id is refused, never overwritten.
WRITE_ONCE_TABLES = ("events", "repair_orders", "archive_entries", "complaints",
                     "open_questions", "findings", "problem_sets", "service_suggestions")
CHILD_MODELS: dict[str, type[Base]] = {"fee_lines": FeeLine, "signatures": Signature}
