"""Offline-first sync with the central archive: outbox, cursor, client.

`fieldapp.sync.outbox`, `.wire` and `.state` are storage only; the network lives in
`fieldapp.sync.client` (httpx) and `fieldapp.sync.rounds`, imported when used.
"""
