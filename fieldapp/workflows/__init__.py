"""The service model's workflows beyond the visit: send-in repair, loaners, escalation,
complaints, questions, the group archive and the request's derived state.
"""
