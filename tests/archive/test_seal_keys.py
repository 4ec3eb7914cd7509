"""Device keys and receipts between a laptop and the archive (docs/seal.md): registration,
revocation of a lost laptop, re-keying, and the receipt a push answers."""

from __future__ import annotations

import json
import os
import stat

from click.testing import CliRunner
from sqlalchemy import select

from fieldapp.archive.cli import cli as archive_cli
from fieldapp.archive.models import DeviceToken, User
from fieldapp.archive.seal_models import ArchiveReceipt, SealKey
from fieldapp.base.device_keys import PRIVATE_FILE, load_device_key, renew_device_key
from fieldapp.cli import cli as fieldapp_cli
from fieldapp.seal.receipts import Receipt, receipt_problem
from fieldapp.seal.seal_trust import read_revoked
from fieldapp.seal.sealing import verify_slip
from fieldapp.store.models import SealReceipt, Slip
from fieldapp.sync.client import ArchiveClient, ServerError
from fieldapp.sync.rounds import run_sync_round
from fieldapp.tools.demo import fill_demo
from tests.archive.servers import PASSWORD
from tests.archive.work import dispatch, seal_a_slip


def test_without_a_keyring_the_private_key_is_a_file_only_its_user_may_read(tmp_path):
    key = load_device_key(tmp_path)  # the tests run with keyring's fail backend
    assert key.kept_in == "file"
    mode = stat.S_IMODE(os.stat(tmp_path / PRIVATE_FILE).st_mode)
    assert mode == 0o600
    assert load_device_key(tmp_path) == key  # read again, not made again


def test_a_renewed_key_signs_from_now_on_and_the_old_one_still_verifies_here(tmp_path):
    old = load_device_key(tmp_path)
    new = renew_device_key(tmp_path)
    assert new.key_id != old.key_id
    assert new.own_public_key(old.key_id) == old.public_key


def test_login_registers_the_key_once_and_another_account_cannot_take_it(archive, laptops):
    laptop = laptops("e01")  # logs in and registers, as `fieldapp login` does
    key = laptop.store.device_key()
    with archive.db.read() as session:
        row = session.get_one(SealKey, key.key_id)
        owner = session.get_one(User, row.user_id)
        assert owner.name == "e01" and row.revoked_at is None
    laptop.client.registered_keys.clear()
    run_sync_round(laptop.store, None, laptop.client)  # registering again changes nothing
    with archive.db.read() as session:
        assert len(session.scalars(select(SealKey)).all()) == 1
    with ArchiveClient(archive.url) as other:
        other.login("e02", PASSWORD, "e02's laptop")
        try:
            other.register_seal_key(key.public_key)
            raise AssertionError("another account registered e01's key")
        except ServerError as refused:
            assert refused.status == 422 and "另一个账号" in refused.zh


def test_a_sealed_slip_gets_the_archives_receipt_which_the_laptop_keeps(archive, laptops):
    centre = laptops("centre")
    fill_demo(centre.store, requests=8)
    request_id = dispatch(centre.store, "E01")
    assert run_sync_round(centre.store, None, centre.client).ok
    e01 = laptops("e01")
    assert run_sync_round(e01.store, None, e01.client).ok
    slip = seal_a_slip(e01.store, request_id, "E01")
    assert run_sync_round(e01.store, None, e01.client).accepted == 1

    with e01.store.read() as session:
        kept = session.get_one(SealReceipt, slip.id)
    fields = json.loads(kept.body)
    assert fields["seal"] == slip.seal and fields["device_key_id"] == slip.seal_key_id
    keys = json.loads((e01.folder / "archive_key.json").read_text())
    assert receipt_problem(Receipt(kept.body, kept.signature), slip, keys) is None
    with archive.db.read() as session:  # the archive keeps the same receipt
        assert session.get_one(ArchiveReceipt, slip.id).body == kept.body
    # another laptop pulls the slip with its receipt: the seal verifies there too, though
    # that laptop never knew e01's key
    staff = laptops("centre", name="centre-second-laptop")
    assert run_sync_round(staff.store, None, staff.client).ok
    with staff.store.read() as session:
        assert session.get_one(SealReceipt, slip.id).body == kept.body
        assert verify_slip(session.get_one(Slip, slip.id)).ok


def test_devices_revoke_ends_a_lost_laptops_keys_and_laptops_learn_it(archive, laptops):
    laptop = laptops("e01")
    key = laptop.store.device_key()
    with archive.db.read() as session:
        device_id = session.scalar(select(SealKey.device_id).where(SealKey.key_id == key.key_id))
        assert session.get(DeviceToken, device_id) is not None
    result = CliRunner().invoke(archive_cli, ["--lang", "en", "devices", "revoke",
                                              str(device_id), "--db", archive.db_url],
                                catch_exceptions=False)
    assert result.exit_code == 0 and "1 of its device keys" in result.output
    listed = CliRunner().invoke(archive_cli, ["--lang", "en", "devices", "keys", "--db",
                                              archive.db_url], catch_exceptions=False)
    assert key.key_id in listed.output and "revoked" in listed.output
    # another laptop of the same engineer learns it at its next session's first sync
    other = laptops("e01", name="e01-second-laptop")
    assert run_sync_round(other.store, None, other.client).error is None
    assert key.key_id in read_revoked(other.folder)
    shown = CliRunner().invoke(fieldapp_cli, ["--data-dir", str(laptop.folder), "--lang", "en",
                                              "keys", "show"])
    assert shown.exit_code == 0 and key.key_id in shown.output
