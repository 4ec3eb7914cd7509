"""The core's face: application services (docs/architecture.md, "Services").

Each service function takes a `Store`, ids and typed inputs (frozen dataclasses), owns its
transaction (`with store.write() as session:`) and returns plain view data — never ORM
rows, never a session. The desktop calls them from a worker thread (`ui.ops.Ops.call`),
the command line and tests call them directly.

    visit       one engineer's visit for a request: open, edit, fees, completeness, sign
    visit_view  the slip as plain data (SlipData) the visit functions return
    fee_entry   fee lines as typed, checked line by line; the price list of common items
    requests    taking a request (pickers, the form's issues) and assigning it
    lists       the main window's lists: open requests with SLA inputs, slips; my work
    sync_status what waits for the archive, refused records, sending them again
    documents   the customer copy: made, printed, saved, counted (loads ReportLab lazily)
    setup       after the setup form: the operator's engineer record, the demo
"""

from fieldapp.services import fee_entry, visit, visit_view

__all__ = ["fee_entry", "visit", "visit_view"]
