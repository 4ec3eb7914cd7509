"""`fieldapp keys`: the device key this laptop signs seals with (docs/seal.md)."""

from __future__ import annotations

import click

from fieldapp.cli.context import AppContext, echo_json, fail_on_errors, pass_app, t


@click.group("keys")
def keys_group() -> None:
    """This laptop's seal-signing key (Ed25519)."""


@keys_group.command("show")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_app
def keys_show(app: AppContext, as_json: bool) -> None:
    """The key's id, where its private part is kept, and whether the archive revoked it."""
    from fieldapp.base.device_keys import load_device_key
    from fieldapp.seal.seal_trust import read_revoked

    with fail_on_errors():
        key = load_device_key(app.data_dir)
        revoked = key.key_id in read_revoked(app.data_dir)
    if as_json:
        echo_json({"key_id": key.key_id, "public_key": key.public_key,
                   "kept_in": key.kept_in, "revoked": revoked,
                   "earlier": [key_id for key_id, _ in key.earlier]})
        return
    where = {"keyring": t("系统钥匙串", "the OS keyring"),
             "file": t("数据目录中的 device_key.pem（仅本用户可读）",
                       "device_key.pem in the data folder (readable by this user only)")}
    click.echo(t("设备密钥", "Device key") + f": {key.key_id}")
    click.echo(t("私钥保存在", "Private key kept in") + f": {where.get(key.kept_in, key.kept_in)}")
    if revoked:
        click.echo(t("档案已吊销此密钥：请运行 fieldapp keys renew，再运行 fieldapp login。",
                     "The archive revoked this key: run fieldapp keys renew, then fieldapp "
                     "login."))


@keys_group.command("renew")
@pass_app
def keys_renew(app: AppContext) -> None:
    """Make a new key for the seals from now on (after a revocation, or to re-key). Seals
    made before keep verifying here; the archive learns the new key at the next login or
    sync."""
    from fieldapp.base.device_keys import renew_device_key

    with fail_on_errors():
        key = renew_device_key(app.data_dir)
    click.echo(t(f"新的设备密钥：{key.key_id}。下次登录或同步时向档案登记。",
                 f"New device key: {key.key_id}. It is registered with the archive at the "
                 "next login or sync."))
