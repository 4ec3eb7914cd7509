"""The rules of every record kind, once: one `*_issues()` function per kind.

Each returns the record's FieldIssues (empty: fine), each naming the model's field with
its message in zh and en. The laptop's commands (fieldapp.records.reference, service_requests,
slips), the archive's ingest of pushed records (fieldapp.archive.rules), the reference
importer and the portal all call these same functions, so a record one of them accepts
none of the others refuses (tests/archive/test_rules_parity.py).

    customer, contact, site,        rules.reference   customer_issues, contact_issues,
    device, engineer, contract                        site_issues, device_issues,
                                                      engineer_issues, contract_issues
    service request                 rules.requests    request_issues
    slip, signature                 rules.slips       slip_issues, signature_issues
    fee line                        validation        fee_line_issues
    open question, loaner,          rules.workflows   question_issues, loaner_issues,
    repair order's intake                             repair_intake_issues
    complaint                       complaints        complaint_issues
    group archive entry             group_archive     archive_entry_issues
    event payloads (repair steps,   events            payload_issues (and
    loaners, escalations …)                           event_check.check_event)

The building blocks (text lengths, phone numbers, choices, the timeline) are in
fieldapp.rules.validation; fieldapp.rules.stored hands a record that arrives whole (a pushed
record, a row of an import) to its kind's rule.
"""
