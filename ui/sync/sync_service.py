"""Background sync for the desktop app: at start, after a seal, periodically, on demand,
and when the network comes back (docs/sync-protocol.md, "The desktop app").

Rounds run on one worker thread with its own database sessions (`run_sync_round` opens
them) and one long-lived HTTP client, so the GUI thread never waits on the network.
The counts of what waits are read on that thread too (at start, after each round).
"Online" is decided by reaching the archive; Qt's QNetworkInformation is only a hint
that makes us try again sooner. After a failure the next try follows an exponential
backoff with jitter; success resets it. A round asked for with `retry_parked` also tries,
right after its pull, to store the pulled records set aside on this laptop
(`parked_retried` says how it went).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from fieldapp.base.settings import Settings
from fieldapp.services import sync_status
from fieldapp.services.sync_status import ConnectionState
from fieldapp.store import Store
from fieldapp.sync.backoff import Backoff
from fieldapp.sync.credentials import load_token
from fieldapp.sync.errors import AuthRequired, JoinChoiceNeeded, OfflineError, SyncError
from fieldapp.sync.rounds import SyncReport, run_sync_round
from fieldapp.sync.status import SyncOverview
from ui.kit import collector

if TYPE_CHECKING:
    from fieldapp.sync.client import ArchiveClient

log = logging.getLogger("fieldapp.ui.sync")

# state: local (no archive set), login (no token), syncing, ok, offline, error
# problem (what the user is told, ui/sync/sync_badge.py): "", offline, login, join (records made
# here before joining clash with the archive's), archive (the archive's own message), defect
ClientFactory = Callable[[str, str | None], "ArchiveClient"]
HINT_AFTER_MS = 2000  # the network hint is set up this long after the start's round
NOTHING_COUNTED = SyncOverview(pending=0, refused=0, last_success_at=None, clock_skew_seconds=0)


@dataclass(frozen=True)
class SyncStatus:
    state: ConnectionState
    overview: SyncOverview
    error_zh: str = ""
    error_en: str = ""
    problem: str = ""
    clock_skew_flagged: bool = False
    last_round_at: datetime | None = None


class _Defect(SyncError):
    """A round ended by something no user can fix (a bug): logged, told plainly."""


def _problem_of(error: SyncError) -> str:
    for kind, name in ((AuthRequired, "login"), (OfflineError, "offline"),
                       (JoinChoiceNeeded, "join"), (_Defect, "defect")):
        if isinstance(error, kind):
            return name
    return "archive"


def _default_client(url: str, token: str | None) -> ArchiveClient:
    from fieldapp.sync.client import ArchiveClient  # httpx: on the sync thread, not at start

    return ArchiveClient(url, token)


class _Worker(QObject):
    """Lives on the sync thread. Keeps one client per (address, token)."""

    finished = Signal(object, object)  # SyncReport | None, SyncOverview
    counted = Signal(object)  # SyncOverview
    parked_retried = Signal(object)  # sync_status.ParkedRetry

    def __init__(self, store: Store, settings: Settings, data_dir: Path,
                 client_factory: ClientFactory) -> None:
        super().__init__()
        self._store, self._settings, self._data_dir = store, settings, data_dir
        self._factory = client_factory
        self._client: ArchiveClient | None = None
        self._key: tuple[str, str | None] | None = None

    def _client_for(self, url: str) -> ArchiveClient:
        key = (url, load_token(self._data_dir, url))
        if self._client is None or key != self._key:
            self.close()
            self._client, self._key = self._factory(*key), key
        return self._client

    @Slot(bool)
    def run_round(self, retry_parked: bool = False) -> None:
        report: SyncReport | None = None
        url = str(self._settings.get("archive_url")).strip()
        try:
            if url:
                report = run_sync_round(self._store, self._settings, self._client_for(url))
        except Exception:  # a defect must not kill the sync thread; the log has the details
            log.exception("sync round failed")
            report = SyncReport(error=_Defect("同步出错，数据保留在本机。",
                                              "Sync failed; the data stays on this laptop."))
        if retry_parked:  # after the pull, offline too: storing them needs no network
            self._retry_parked()
        self.finished.emit(report, sync_status.overview(self._store))

    def _retry_parked(self) -> None:
        try:
            self.parked_retried.emit(sync_status.retry_parked(self._store))
        except Exception:  # a defect: logged; the records stay parked, tried next round
            log.exception("retrying the parked records failed")

    @Slot()
    def count(self) -> None:
        self.counted.emit(sync_status.overview(self._store))

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


class SyncService(QObject):
    """Owns the sync thread; the window shows `status` and calls `sync_now`."""

    changed = Signal(object)  # SyncStatus
    round_finished = Signal(object)  # SyncReport (pulled records: lists refresh)
    parked_retried = Signal(object)  # sync_status.ParkedRetry, before that round_finished
    _start_round = Signal(bool)  # retry the parked records after the pull
    _start_count = Signal()

    def __init__(self, store: Store, settings: Settings, data_dir: Path, *,
                 period_s: float | None = None,
                 client_factory: ClientFactory = _default_client,
                 backoff: Backoff | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._backoff = backoff or Backoff(base=5.0, cap=300.0)
        self._running = self._again = self._retry_parked = False
        # nothing counted yet: the sync thread counts at `start` (no SQL on the GUI thread)
        self.status = SyncStatus(self._idle_state(), NOTHING_COUNTED)
        self._thread = QThread()
        self._thread.setObjectName("fieldapp-sync")
        self._worker = _Worker(store, settings, data_dir, client_factory)
        self._worker.moveToThread(self._thread)
        self._start_round.connect(self._worker.run_round)
        self._start_count.connect(self._worker.count)
        self._worker.finished.connect(self._round_done)
        self._worker.counted.connect(self.refresh_counts)
        self._worker.parked_retried.connect(self.parked_retried)
        self._periodic = QTimer(self)
        period = period_s if period_s is not None else 60.0 * float(
            settings.get("sync_interval_minutes"))
        self._periodic.setInterval(max(1, int(period * 1000)))
        self._periodic.timeout.connect(lambda: self.sync_now("periodic"))
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(lambda: self.sync_now("retry"))
        self._hinted = False

    # -- lifecycle -------------------------------------------------------------------
    def start(self) -> None:
        if not self._thread.isRunning():
            collector.hold()  # no collection on the sync thread while it runs (stop)
        self._thread.start()
        self._start_count.emit()
        self._periodic.start()
        self.sync_now("start")
        if not self._hinted:
            self._hinted = True
            # loading the OS's network backend costs ~20 ms: not while the first lists
            # are on their way (the start's own round runs meanwhile anyway)
            QTimer.singleShot(HINT_AFTER_MS, self, self._network_hint)

    def stop(self) -> None:
        self._periodic.stop()
        self._retry.stop()
        if self._thread.isRunning():
            self._thread.quit()
            self._thread.wait(30_000)
            collector.release()
        self._worker.close()

    @property
    def running(self) -> bool:
        return self._running

    # -- rounds ----------------------------------------------------------------------
    def sync_now(self, reason: str = "manual", *, retry_parked: bool = False) -> None:
        """Start a round, or one more right after the running one; `retry_parked`: that
        round tries the parked records again after its pull."""
        self._retry_parked = self._retry_parked or retry_parked
        if not self._thread.isRunning():
            return
        if self._running:
            self._again = True
            return
        if not str(self._settings.get("archive_url")).strip():
            self._publish(replace(self.status, state=ConnectionState.LOCAL))
            return
        log.info("sync round (%s)", reason)
        self._running, self._again = True, False
        self._retry.stop()
        self._publish(replace(self.status, state=ConnectionState.SYNCING))
        retry_parked, self._retry_parked = self._retry_parked, False
        self._start_round.emit(retry_parked)

    @Slot(object, object)
    def _round_done(self, report: SyncReport | None, counts: SyncOverview) -> None:
        self._running = False
        status = SyncStatus(self._idle_state(), counts, last_round_at=self.status.last_round_at)
        if report is not None:
            status = replace(status, state=self._state_of(report),
                             clock_skew_flagged=report.clock_skew_flagged,
                             last_round_at=datetime.now().astimezone())
            if report.error is not None:
                status = replace(status, error_zh=report.error.zh, error_en=report.error.en,
                                 problem=_problem_of(report.error))
                self._retry.start(int(self._backoff.next_delay() * 1000))
            else:
                self._backoff.reset()
            self.round_finished.emit(report)
        self._publish(status)
        if self._again:
            self.sync_now("again")

    def _idle_state(self) -> ConnectionState:
        return (ConnectionState.OK if str(self._settings.get("archive_url")).strip()
                else ConnectionState.LOCAL)

    @staticmethod
    def _state_of(report: SyncReport) -> ConnectionState:
        if isinstance(report.error, AuthRequired):
            return ConnectionState.LOGIN
        if isinstance(report.error, OfflineError):
            return ConnectionState.OFFLINE
        return ConnectionState.ERROR if report.error is not None else ConnectionState.OK

    def _publish(self, status: SyncStatus) -> None:
        self.status = status
        self.changed.emit(status)

    def refresh_counts(self, counts: SyncOverview) -> None:
        """New local changes were saved: show the new waiting count."""
        self._publish(replace(self.status, overview=counts))

    # -- the network hint --------------------------------------------------------------
    def _network_hint(self) -> None:
        """Try again at once when the OS says the network is back (a hint, never trusted)."""
        try:
            from PySide6.QtNetwork import QNetworkInformation
        except ImportError:
            return
        if not QNetworkInformation.availableBackends():
            return
        if not QNetworkInformation.loadBackendByFeatures(
                QNetworkInformation.Feature.Reachability):
            return
        # PySide6's stub omits the None: Qt's instance() is nullptr when no backend loaded.
        info: QNetworkInformation | None = QNetworkInformation.instance()
        if info is None:
            return

        def changed(reachability: QNetworkInformation.Reachability) -> None:
            if (reachability == QNetworkInformation.Reachability.Online
                    and self.status.state == ConnectionState.OFFLINE):
                self.sync_now("network")

        info.reachabilityChanged.connect(changed)
