"""How a request came in vs what it asks for (issue 17, R1).

`service_requests.intake_channel` (phone, letter, portal, walk_in, email) and
`service_requests.service_kind` (onsite, remote, sendin, answer) replace the one
`channel` for choosing clocks; `hardware_fault` marks a hardware fault fixed on site
(R1.4's 4 hours then run too; a send-in is always hardware). The old channel maps to both:
phone → (phone, answer), onsite → (phone, onsite), remote → (phone, remote),
sendin → (phone, sendin), letter → (letter, answer), portal → (portal, answer). `channel`
stays as it was: a sealed slip's seal names it, and older laptops push it.

Plain ADD COLUMN with server defaults, not batch mode: a batch copy of the table would
drop the search index's triggers (0005); the UPDATE then sets every existing row.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_SPLIT = {  # channel: (intake_channel, service_kind); fieldapp.sla.split_channel, frozen here
    "phone": ("phone", "answer"),
    "onsite": ("phone", "onsite"),
    "remote": ("phone", "remote"),
    "sendin": ("phone", "sendin"),
    "letter": ("letter", "answer"),
    "portal": ("portal", "answer"),
}


def upgrade() -> None:
    op.add_column("service_requests", sa.Column(
        "intake_channel", sa.String(length=10), nullable=False, server_default="phone"))
    op.add_column("service_requests", sa.Column(
        "service_kind", sa.String(length=10), nullable=False, server_default="answer"))
    op.add_column("service_requests", sa.Column(
        "hardware_fault", sa.Boolean(), nullable=False, server_default=sa.false()))
    requests = sa.table("service_requests", sa.column("channel", sa.String),
                        sa.column("intake_channel", sa.String),
                        sa.column("service_kind", sa.String),
                        sa.column("hardware_fault", sa.Boolean))
    for channel, (intake, kind) in _SPLIT.items():
        op.execute(requests.update().where(requests.c.channel == channel).values(
            intake_channel=intake, service_kind=kind, hardware_fault=kind == "sendin"))


def downgrade() -> None:
    # SQLite 3.35+: in place, triggers kept; `channel` still holds the old value.
    op.drop_column("service_requests", "hardware_fault")
    op.drop_column("service_requests", "service_kind")
    op.drop_column("service_requests", "intake_channel")
