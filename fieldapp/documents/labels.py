"""The words printed on documents, Chinese and English, kept apart from the drawing.

Chinese terms are the ones the users themselves use (see REQUIREMENTS.md). Data (names,
fault texts) is printed as typed; only labels switch language.
"""

from __future__ import annotations

from fieldapp.base.device_classes import DEVICE_CLASS_LABELS
from fieldapp.base.i18n import Language
from fieldapp.rules.validation import FEE_KIND_LABELS

LABELS: dict[str, tuple[str, str]] = {
    "title": ("服务单据", "Service slip"),
    "title_sub": ("SERVICE SLIP", "服务单据"),
    "copy_customer": ("客户联", "Customer copy"),
    "copy_company": ("存根联", "Company copy"),
    "hotline": ("服务热线", "Hotline"),
    "slip_number": ("单据编号", "Slip no."),
    "request_number": ("请求编号", "Request no."),
    "amends": ("更正单据", "Amends"),
    "page": ("第 {page} 页 / 共 {total} 页", "Page {page} of {total}"),
    "section_customer": ("客户信息", "Customer"),
    "customer": ("客户单位", "Customer"),
    "contact": ("联系人", "Contact"),
    "phone": ("联系电话", "Phone"),
    "site": ("服务地点", "Site"),
    "channel": ("服务方式", "Channel"),
    "engineer": ("服务工程师", "Engineer"),
    "section_device": ("设备信息", "Device"),
    "device_type": ("设备类型", "Type"),
    "brand": ("品牌", "Brand"),
    "model": ("型号", "Model"),
    "serial": ("序列号", "Serial no."),
    "asset_tag": ("资产编号", "Asset tag"),
    "section_times": ("服务时间", "Times"),
    "requested_at": ("请求时间", "Requested"),
    "arrived_at": ("到达时间", "Arrived"),
    "started_at": ("服务开始时间", "Service started"),
    "solved_at": ("故障解决时间", "Solved"),
    "departed_at": ("离开时间", "Departed"),
    "section_clocks": ("服务承诺", "Service levels"),
    "clock": ("承诺项目", "Commitment"),
    "deadline": ("时限", "Deadline"),
    "stopped_at": ("完成时间", "Done at"),
    "clock_result": ("结果", "Result"),
    "fault_reported": ("故障现象", "Fault as reported"),
    "fault_found": ("现场故障描述", "Fault as found on site"),
    "handling": ("处理方式", "Handling"),
    "result": ("处理结果", "Result"),
    "section_fees": ("服务费用", "Fees"),
    "fee_no": ("序号", "No."),
    "fee_kind": ("项目", "Item"),
    "fee_description": ("说明", "Description"),
    "fee_quantity": ("数量", "Qty"),
    "fee_unit_price": ("单价", "Unit price"),
    "fee_amount": ("金额", "Amount"),
    "fee_none": ("本次服务不收费", "No charge for this service"),
    "total": ("应收合计", "Total due"),
    "total_capitals": ("人民币（大写）", "In Chinese capitals (RMB)"),
    "section_signatures": ("签字确认", "Signed"),
    "signatures_note": (
        "双方签字确认以上服务时间及费用。",
        "Both parties confirm the service times and the fee above.",
    ),
    "sign_engineer": ("工程师签字", "Engineer"),
    "sign_customer": ("客户负责人签字", "Customer representative"),
    "signed_by": ("签字人", "Signed by"),
    "signed_at": ("时间", "at"),
    "not_signed": ("（未签字）", "(not signed)"),
    "section_seal": ("防伪校验", "Verify"),
    "seal": ("校验码 SHA-256", "Seal SHA-256"),
    "sealed_at": ("封存时间", "Sealed at"),
    "verify_hint": (
        "扫描二维码或登录 {url} 输入单据编号核验本单真伪。",
        "Scan the QR code or visit {url} and enter the slip number to verify this copy.",
    ),
    "verify_hint_offline": (
        "扫描二维码，或向服务中心提供单据编号与校验码核验本单真伪。",
        "Scan the QR code, or give the service centre the slip number and seal to verify.",
    ),
    "draft": ("草稿", "DRAFT"),
    "draft_note": (
        "草稿：本单尚未经双方签字封存，不作为服务凭证。",
        "DRAFT: not yet signed by both parties and sealed; not a record of service.",
    ),
    "complaints": (
        "服务监督：对工程师的服务态度或质量不满意，请向您的客户经理投诉；"
        "对客户经理的态度、响应时间或本次服务的整体质量不满意，请拨打客户服务中心热线 {hotline}。"
        "每一次投诉都会得到答复和投诉反馈报告。",
        "Complaints: about the engineer's attitude or work, tell your account manager; "
        "about the account manager's attitude or response time, or the overall service, "
        "call the customer service centre on {hotline}. Every complaint gets an answer "
        "and a written complaint feedback report.",
    ),
    "keep_copy": ("本联由客户留存。", "This copy is for the customer to keep."),
    "keep_stub": ("本联由公司存档。", "This copy is filed by the company."),
}

# --- the workflow documents (workflow_pdf.py) -----------------------------------------
LABELS.update({
    "intake_title": ("送修单", "Repair intake"),
    "intake_sub": ("HARDWARE REPAIR INTAKE", "硬件送修"),
    "return_title": ("送修返还单", "Repair return"),
    "return_sub": ("REPAIR RETURN", "送修返还"),
    "loaner_title": ("备机借用单", "Loaner record"),
    "loaner_sub": ("SAME-CLASS LOANER", "同档次备机"),
    "complaint_title": ("投诉反馈报告", "Complaint feedback report"),
    "complaint_sub": ("COMPLAINT FEEDBACK REPORT", "投诉反馈报告"),
    "repair_number": ("送修单号", "Repair no."),
    "complaint_number": ("投诉编号", "Complaint no."),
    "from_slip": ("服务单据", "Slip"),
    "company_contact": ("公司联系人", "Company contact"),
    "device_class": ("设备类别", "Class"),
    "device_grade": ("档次", "Grade"),
    "accessories": ("随机附件", "Accessories"),
    "fault_description": ("故障描述", "Fault description"),
    "received_at": ("接受时间", "Received"),
    "section_intake_times": ("送修时间", "Times"),
    "intake_note": (
        "设备由工程师带回维修。维修部报价并经客户确认后方开始维修；修复后按约定时间交还，"
        "客户签字确认交付时间及维修费用。请妥善保管本联，凭本联取回设备。",
        "The engineer takes the device for repair. Repair starts only after the workshop's "
        "estimate is confirmed by the customer; the repaired device is returned at the agreed "
        "time against the customer's signature for the delivery time and fee. Keep this copy "
        "to collect the device.",
    ),
    "sign_engineer_intake": ("工程师签字（设备已带回）", "Engineer (device taken)"),
    "section_estimate": ("报价与确认", "Estimate"),
    "estimate": ("报价金额", "Estimate"),
    "expected_ready_at": ("预计修好时间", "Expected ready"),
    "estimated_by": ("报价人", "Estimated by"),
    "estimated_at": ("报价时间", "Estimated at"),
    "estimate_note": ("报价说明", "Note"),
    "decision": ("客户确认", "Customer's decision"),
    "decision_approved": ("同意维修", "Approved"),
    "decision_refused": ("拒绝维修", "Refused"),
    "decision_none": ("尚未确认", "Not yet confirmed"),
    "method": ("确认方式", "How confirmed"),
    "method_phone": ("电话确认", "By phone"),
    "method_signature": ("签字确认", "Signed"),
    "confirmed_by": ("确认人", "Confirmed by"),
    "confirmed_at": ("确认时间", "Confirmed at"),
    "section_repair_times": ("维修时间", "Repair times"),
    "repair_started_at": ("开始维修", "Repair started"),
    "repair_finished_at": ("修好时间", "Repaired"),
    "delivered_at": ("交付时间", "Delivered"),
    "work_done": ("维修内容", "Work done"),
    "repair_status": ("状态", "Status"),
    "section_final_fee": ("维修费用", "Repair fee"),
    "final_fee": ("维修费用", "Repair fee"),
    "section_loaners": ("备机", "Loaner"),
    "loaner_issued_at": ("借出时间", "Lent"),
    "loaner_returned_at": ("归还时间", "Returned"),
    "loaner_none": ("本次送修未借用备机", "No loaner was lent for this repair"),
    "loaner_out": ("（未归还）", "(still out)"),
    "return_note": (
        "客户签字确认以上交付时间及维修费用。",
        "The customer confirms the delivery time and the repair fee above.",
    ),
    "sign_customer_return": ("客户签字（已收到修复设备）", "Customer (device received)"),
    "sign_customer_confirm": ("客户签字确认维修", "Customer (approves the repair)"),
    "section_loaner": ("备机信息", "Loaner"),
    "section_loan": ("借用信息", "Loan"),
    "customer_device": ("客户送修设备", "Customer's device in repair"),
    "goodwill": ("借用依据", "Basis"),
    "goodwill_yes": ("服务中心特批（合同不含备机）", "Goodwill (not in the contract)"),
    "goodwill_no": ("合同约定同档次备机", "Same-class loaner per contract"),
    "condition": ("归还状况", "Condition"),
    "section_loan_times": ("借还时间", "Times"),
    "loaner_note": (
        "同档次备机供客户在设备维修期间使用；客户设备修复交还后，请归还备机。",
        "The same-class loaner is for use while the customer's device is in repair; "
        "return it when the repaired device is back.",
    ),
    "section_issue_signatures": ("借出签字", "Lent, signed"),
    "section_return_signatures": ("归还签字", "Returned, signed"),
    "section_complaint": ("投诉信息", "Complaint"),
    "received_via": ("受理方式", "Received via"),
    "complaint_received_at": ("受理时间", "Received"),
    "about": ("投诉对象", "About"),
    "subject_name": ("被投诉人", "Person concerned"),
    "related_slips": ("相关单据", "Slips"),
    "complaint_text": ("投诉内容", "The complaint"),
    "section_routing": ("处理流向", "Routing"),
    "routed_to": ("受理部门", "Handled by"),
    "handler": ("负责人", "Responsible"),
    "section_responses": ("答复", "Response"),
    "responder": ("答复人", "Responder"),
    "responded_at": ("答复时间", "Responded"),
    "response_clock": ("投诉答复时限", "Response promise"),
    "section_closing": ("结案", "Closing"),
    "closed_at": ("结案时间", "Closed"),
    "closed_by": ("结案人", "Closed by"),
    "outcome": ("处理结果", "Outcome"),
    "satisfied": ("客户满意", "Customer satisfied"),
    "satisfied_yes": ("满意", "Yes"),
    "satisfied_no": ("不满意", "No"),
    "satisfied_none": ("未回访", "Not asked"),
    "filed": ("客户档案", "Customer archive"),
    "filed_yes": ("集团用户：已归入客户服务档案", "Group customer: filed in the archive"),
    "filed_no": ("—", "—"),
    "complaint_report_note": (
        "本报告为对您投诉的正式答复。如对处理结果仍不满意，请拨打客户服务中心热线 {hotline}。",
        "This report is our formal answer to your complaint. If you are still not satisfied, "
        "call the customer service centre on {hotline}.",
    ),
})

CONDITIONS: dict[str, tuple[str, str]] = {
    "good": ("完好", "Good"),
    "damaged": ("损坏", "Damaged"),
    "incomplete": ("配件不全", "Incomplete"),
}

VIA: dict[str, tuple[str, str]] = {
    "phone": ("电话", "Phone"),
    "letter": ("信件", "Letter"),
    "email": ("电子邮件", "E-mail"),
    "portal": ("客户门户", "Portal"),
    "in_person": ("当面", "In person"),
}

DEVICE_CLASSES: dict[str, tuple[str, str]] = DEVICE_CLASS_LABELS

CHANNELS: dict[str, tuple[str, str]] = {
    "phone": ("电话", "Phone"),
    "onsite": ("现场", "On site"),
    "remote": ("远程", "Remote"),
    "sendin": ("送修", "Sent in for repair"),
    "letter": ("信件", "Letter"),
    "portal": ("网页", "Web portal"),
}

RESULTS: dict[str, tuple[str, str]] = {
    "solved": ("已解决", "Solved"),
    "unsolved": ("未解决", "Not solved"),
    "escalated": ("已升级", "Escalated"),
}

CLOCK_STATES: dict[str, tuple[str, str]] = {
    "on_track": ("进行中", "On track"),
    "at_risk": ("即将超时", "At risk"),
    "met": ("达标", "Met"),
    "met_within_tolerance": ("达标（交通延误容许）", "Met (traffic tolerance)"),
    "breached": ("超时", "Breached"),
    "not_applicable": ("不适用", "n/a"),
}

# One name per fee kind, on screen and on paper: the core's own labels.
FEE_KINDS: dict[str, tuple[str, str]] = FEE_KIND_LABELS


def label(key: str, language: Language, **values: str) -> str:
    zh, en = LABELS[key]
    text = zh if language == "zh" else en
    return text.format(**values) if values else text


def term(table: dict[str, tuple[str, str]], key: str, language: Language) -> str:
    """A coded value in words; an unknown code prints as stored."""
    if key not in table:
        return key
    zh, en = table[key]
    return zh if language == "zh" else en
