"""`fieldapp sync --full`, for a laptop whose state is in doubt: everything the archive
shows this laptop is pulled again from the beginning — what this laptop pushed itself
too — and what the laptop holds that the archive does not have is offered again; work
waiting to be sent is kept and sent (issue 19)."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import select

from fieldapp.cli import cli
from fieldapp.records import slips
from fieldapp.records.reference import engineer_by_code
from fieldapp.store.models import ServiceRequest, Slip, SyncOutbox
from fieldapp.sync import state
from fieldapp.sync.check import check_with_archive
from fieldapp.sync.client import ArchiveClient
from fieldapp.sync.errors import OfflineError
from fieldapp.sync.resync import start_full_pull
from fieldapp.sync.rounds import run_sync_round
from fieldapp.tools.demo import fill_demo
from tests.archive.test_check import around_the_triggers
from tests.archive.work import dispatch, on_the_command_line, seal_a_slip


def in_archive(archive, model, record_id) -> bool:
    with archive.db.read() as session:
        return session.get(model, record_id) is not None


def test_a_full_resync_restores_what_the_laptop_lost_and_offers_what_the_archive_lacks(
        archive, laptops):
    centre = laptops("centre")
    fill_demo(centre.store, requests=6)
    request_id = dispatch(centre.store, "E01")
    assert run_sync_round(centre.store, None, centre.client).ok
    e01 = laptops("e01")
    assert run_sync_round(e01.store, None, e01.client).ok
    pushed = seal_a_slip(e01.store, request_id, "E01").id  # E01's own push
    assert run_sync_round(e01.store, None, e01.client).ok
    with archive.db.read() as session:
        phone = session.get_one(ServiceRequest, request_id).contact_phone

    # The laptop's state in doubt: its own sealed slip gone, a request changed behind the
    # app's back, a slip whose outbox entries were lost (the archive never got it) ...
    for table in ("fee_lines", "signatures", "seal_receipts"):
        around_the_triggers(e01.store, f"DELETE FROM {table} WHERE slip_id = :id",
                            id=pushed.hex)
    around_the_triggers(e01.store, "DELETE FROM slips WHERE id = :id", id=pushed.hex)
    lost = seal_a_slip(e01.store, request_id, "E01").id
    around_the_triggers(e01.store, "DELETE FROM sync_outbox")
    around_the_triggers(e01.store, "UPDATE service_requests SET contact_phone = '0'"
                                   " WHERE id = :id", id=request_id.hex)
    # ... and work waiting to be sent: a draft
    with e01.store.write() as session:
        draft = slips.start_slip(session, session.get_one(ServiceRequest, request_id),
                                 engineer_by_code(session, "E01")).id
    assert not check_with_archive(e01.store, e01.client).agree

    on_the_command_line(e01, archive.url)
    result = CliRunner().invoke(cli, ["--data-dir", str(e01.folder), "--lang", "en", "sync",
                                      "--full", "--check"])

    assert result.exit_code == 0, result.output
    assert "Full re-sync" in result.output and "agree" in result.output
    with e01.store.read() as session:
        assert session.get(Slip, pushed) is not None  # pulled again though it pushed it
        assert session.get_one(Slip, pushed).seal is not None
        assert session.get_one(ServiceRequest, request_id).contact_phone == phone
        assert session.get(Slip, draft) is not None  # kept
        assert session.scalars(select(SyncOutbox)).all() == []
        assert state.get(session, state.FULL_PULL) == ""  # the next pull as usual
        assert state.cursor(session) > 0
    assert in_archive(archive, Slip, lost) and in_archive(archive, Slip, draft)
    assert check_with_archive(e01.store, e01.client).agree


class CutOff(ArchiveClient):
    """The real client, the network gone after `pages` pulls; remembers each pull's `own`."""

    def __init__(self, *args, pages: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pages, self.owns = pages, []

    def pull(self, cursor, limit=200, *, own=False):
        if len(self.owns) == self.pages:
            raise OfflineError("断网", "offline")
        self.owns.append(own)
        return super().pull(cursor, limit, own=own)


def test_an_interrupted_full_pull_goes_on_at_the_next_sync(archive, laptops):
    """The mark and the cursor are stored with each page: a round stopped half way (the
    archive unreachable) leaves the rest of the full pull to the next round."""
    centre = laptops("centre")
    fill_demo(centre.store, requests=6)
    assert run_sync_round(centre.store, None, centre.client).ok
    start_full_pull(centre.store)
    with CutOff(archive.url, centre.client.token, pages=2) as client:
        first = run_sync_round(centre.store, None, client, pull_page=5)
    assert isinstance(first.error, OfflineError) and client.owns == [True, True]
    with centre.store.read() as session:
        assert state.get(session, state.FULL_PULL) == "1"
        halfway = state.cursor(session)
    assert halfway > 0

    with CutOff(archive.url, centre.client.token, pages=10_000) as client:
        second = run_sync_round(centre.store, None, client, pull_page=5)
    assert second.ok and set(client.owns) == {True}
    with centre.store.read() as session:
        assert state.get(session, state.FULL_PULL) == ""  # then pulls as usual
        assert state.cursor(session) > halfway
