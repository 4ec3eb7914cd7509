"""The core's face: application services (docs/architecture.md, "Services").

Each service function takes a `Store`, ids and typed inputs (frozen dataclasses), owns its
transaction (`with store.write() as session:`) and returns plain view data — never ORM
rows, never a session. The desktop calls them from a worker thread (`ui.kit.ops.Ops.call`),
the command line and tests call them directly.

    visit       one engineer's visit for a request: open, edit, fees, completeness, sign
    visit_view  the slip as plain data (SlipData) the visit functions return
    fee_entry   fee lines as typed, checked line by line; the price list of common items
    requests    taking a request (pickers, the form's issues) and assigning it
    lists       the main window's lists: open requests with SLA inputs, slips; my work
    sync_status what waits for the archive, refused records, sending them again
    documents   the customer copy: made, printed, saved, counted (loads ReportLab lazily)
    setup       after the setup form: the operator's engineer record, the demo
    repairs     a send-in repair: intake, each step, the loaner, the list (R3, R1.4, R4.2)
    loaners     the loaner pool, taking a loaner back
    complaints  recording, routing, responding to and closing complaints (R5)
    escalations the technical-requirement and technical-ability escalations (R4.1, R4.3)
    questions   open questions with a promised answer time (R1.6)
    archive_entries  a group customer's archive input after a service (R2.5)
    findings    the archive's findings as a staff laptop pulled them
    workflow_documents  repair copies, loaner record, complaint report as PDF
"""

from fieldapp.services import fee_entry, visit, visit_view

__all__ = ["fee_entry", "visit", "visit_view"]
