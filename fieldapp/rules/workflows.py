"""The rules of the workflows' own records: an open question (R1.6), a loaner (R1.4) and
a send-in repair's sealed intake (R3.1).

The core's commands (`questions.record_question`, `loaners.add_loaner`,
`repair.open_repair`) refuse with them, and the archive refuses a pushed record with the
same function (fieldapp.rules.stored); tests/archive/test_rules_parity.py holds a bad
record of each kind.
"""

from __future__ import annotations

import itertools
from datetime import datetime

from fieldapp.base.errors import FieldIssue
from fieldapp.rules.validation import blank_issue, future_issue, text_issues
from fieldapp.seal.signatures import Strokes, stroke_issues

__all__ = ["INTAKE_LABELS", "loaner_issues", "question_issues", "repair_intake_issues"]


def question_issues(*, question: str, asked_by: str, asked_at: datetime,
                    promised_at: datetime, now: datetime) -> list[FieldIssue]:
    """What the customer asked and who, when (not in the future), and an answer promised
    after it."""
    issues = blank_issue("question", question, "请填写客户的问题或要求。",
                         "Please enter the customer's question or request.")
    issues += blank_issue("asked_by", asked_by, "请填写提问人。", "Please enter who asked.")
    issues += future_issue("asked_at", asked_at, now, "提问时间不能晚于当前时间。",
                           "The time asked cannot be in the future.")
    if promised_at <= asked_at:
        issues.append(FieldIssue("promised_at", "out_of_order", "承诺答复时间须晚于提问时间。",
                                 "The promised answer time must be after the question."))
    return issues


def loaner_issues(*, asset_tag: str, device_class: str) -> list[FieldIssue]:
    """A loaner of the pool: its asset tag and its device class (the same-class rule
    compares them)."""
    return (blank_issue("asset_tag", asset_tag, "请填写资产编号。", "Enter the asset tag.")
            + blank_issue("device_class", device_class, "请填写设备类别。",
                          "Enter the device class."))


INTAKE_LABELS = {
    "company_contact": ("公司联系人", "company contact"),
    "fault_description": ("故障描述", "fault description"),
    "received_at": ("接受时间", "time received"),
    "arrived_at": ("到达时间", "arrival time"),
    "departed_at": ("离开时间", "departure time"),
}


def repair_intake_issues(*, company_contact: str, fault_description: str, contact_phone: str,
                         requested_at: datetime, received_at: datetime, arrived_at: datetime,
                         departed_at: datetime, signer_name: str, strokes: Strokes,
                         pad_width: int, pad_height: int, now: datetime) -> list[FieldIssue]:
    """The send-in slip as the device leaves (R3.1): who at the company, the fault, the
    times in order after the request's (none in the future), the engineer's signature."""
    issues: list[FieldIssue] = []
    for name, value in (("company_contact", company_contact),
                        ("fault_description", fault_description)):
        zh, en = INTAKE_LABELS[name]
        issues += blank_issue(name, value, f"请填写{zh}。", f"Please enter the {en}.")
    issues += text_issues({"contact_phone": contact_phone})
    if len(fault_description) > 5000:
        issues.append(FieldIssue("fault_description", "too_long", "故障描述不能超过 5000 个字。",
                                 "The fault description may have at most 5000 characters."))
    order = [("requested_at", requested_at), ("received_at", received_at),
             ("arrived_at", arrived_at), ("departed_at", departed_at)]
    for (early, t0), (late, t1) in itertools.pairwise(order):
        if t1 < t0:
            zh1, en1 = INTAKE_LABELS[late]
            zh0, en0 = INTAKE_LABELS.get(early, ("请求时间", "request time"))
            issues.append(FieldIssue(late, "out_of_order", f"{zh1}不能早于{zh0}。",
                                     f"The {en1} cannot be before the {en0}."))
    for name, moment in order[1:]:
        zh, en = INTAKE_LABELS[name]
        issues += future_issue(name, moment, now, f"{zh}不能晚于当前时间。",
                               f"The {en} cannot be in the future.")
    issues += blank_issue("signature.engineer", signer_name, "请填写签字人姓名。",
                          "Please enter the signer's name.")
    issues += stroke_issues(strokes, pad_width, pad_height, "signature.engineer")
    return issues
