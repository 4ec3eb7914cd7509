"""The records of a visit: reference data, service requests, their events and numbers,
service slips and the SLA clocks stored beside them.
"""
