"""The rules of a service request (R2.1)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime

from fieldapp.base.errors import FieldIssue
from fieldapp.rules.validation import (
    CHANNELS,
    INTAKE_CHANNELS,
    SERVICE_KINDS,
    choice_issue,
    required,
    text_issues,
    timeline_issues,
)
from fieldapp.sla.request_clocks import legacy_channel, split_channel
from fieldapp.store.values import RequestStatus

# What a request may point at besides its customer; each must be that customer's.
CUSTOMER_ITEMS = ("contact_id", "site_id", "device_id")


def request_issues(*, customer_id: uuid.UUID | None, channel: str | None = None,
                   intake_channel: str | None = None, service_kind: str | None = None,
                   fault_reported: str, contact_name: str, contact_phone: str,
                   requested_at: datetime | None, answered_at: datetime | None,
                   now: datetime, owners: Mapping[str, uuid.UUID | None] | None = None,
                   status: str | None = None) -> list[FieldIssue]:
    """Everything wrong with a request, all at once (R2.1): a form shows each issue next
    to its field before saving; `take_request` refuses with the same list, the archive
    refuses a pushed request with it.

    `owners`: the customer each chosen item (`contact_id`, `site_id`, `device_id`)
    belongs to; `status`: checked when the caller stores one (a pushed record).

    How it came in and what is asked: `intake_channel` and `service_kind` (both
    required); a caller that gives only the old `channel` has it checked and mapped
    (`channel_kinds`); given all three (a stored record), the channel must be the pair's."""
    issues = [] if customer_id is not None else [required("customer_id")]
    issues += channel_issues(channel, intake_channel, service_kind)
    if status is not None:
        issues += choice_issue("status", status, tuple(RequestStatus))
    issues += text_issues({"fault_reported": fault_reported, "contact_name": contact_name,
                           "contact_phone": contact_phone}, required_fields=("fault_reported",))
    if not contact_name.strip() and not contact_phone.strip():
        issues.append(FieldIssue("contact_name", "required", "请填写联系人或联系电话。",
                                 "Enter a contact name or phone number."))
    for field in CUSTOMER_ITEMS:
        owner = (owners or {}).get(field)
        if owner is not None and customer_id is not None and owner != customer_id:
            issues.append(FieldIssue(field, "wrong_customer", "所选项目不属于该客户。",
                                     "The selected item belongs to another customer."))
    if requested_at is None:
        issues.append(required("requested_at"))
        return issues
    issues += timeline_issues({"requested_at": requested_at}, now)
    if answered_at is not None:
        if answered_at < requested_at:
            issues.append(FieldIssue("answered_at", "out_of_order", "响应时间不能早于请求时间。",
                                     "The answer time cannot be before the request time."))
        issues += timeline_issues({"answered_at": answered_at}, now)
    return issues


def channel_kinds(channel: str | None, intake_channel: str | None, service_kind: str | None
                  ) -> tuple[str | None, str | None]:
    """(intake channel, service kind) of a request given either the two or the old channel
    alone (callers not yet changed, an older laptop's push)."""
    if intake_channel is None and service_kind is None and channel in CHANNELS:
        intake, kind = split_channel(channel)
        return intake.value, kind.value
    return intake_channel, service_kind


def channel_issues(channel: str | None, intake_channel: str | None,
                   service_kind: str | None) -> list[FieldIssue]:
    if intake_channel is None and service_kind is None and channel is not None:
        return choice_issue("channel", channel, CHANNELS)
    issues = choice_issue("intake_channel", intake_channel or "", INTAKE_CHANNELS)
    issues += choice_issue("service_kind", service_kind or "", SERVICE_KINDS)
    if channel is not None and not issues:
        issues += choice_issue("channel", channel, CHANNELS)
        if not issues and channel != legacy_channel(intake_channel or "", service_kind or ""):
            issues.append(FieldIssue(
                "channel", "mismatch", "请求方式与受理渠道、服务类型不一致。",
                "The channel does not match the intake channel and service kind."))
    return issues
