"""Offline-first sync with the central archive: outbox, cursor, client.

`fieldapp.store.outbox`, `.wire` and `.state` are storage only; the network lives in
`fieldapp.sync.client` (httpx) and `fieldapp.sync.rounds`, imported when used.
"""
