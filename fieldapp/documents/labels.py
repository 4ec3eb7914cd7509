"""The words printed on documents, Chinese and English, kept apart from the drawing.

Chinese terms are the ones the users themselves use (see REQUIREMENTS.md). Data (names,
fault texts) is printed as typed; only labels switch language.
"""

from __future__ import annotations

from fieldapp.i18n import Language

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

CHANNELS: dict[str, tuple[str, str]] = {
    "phone": ("电话", "Phone"),
    "onsite": ("现场", "On site"),
    "remote": ("远程", "Remote"),
    "sendin": ("送修", "Sent in for repair"),
    "letter": ("信件", "Letter"),
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

FEE_KINDS: dict[str, tuple[str, str]] = {
    "labour": ("人工费", "Labour"),
    "parts": ("材料费", "Parts"),
    "travel": ("交通费", "Travel"),
    "other": ("其他", "Other"),
}


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
