"""The workflow screens: send-in repair, loaners, complaints, escalation, questions, the
group archive, findings.
"""
