"""The Connections dialog: add (secrets to the keychain only), test, edit, remove, the built-in
Sandbox and its reset, and a computer without a keychain said plainly."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

pytest.importorskip("PySide6")

from rowboat.core.connections.model import SANDBOX_NAME
from rowboat.core.connections.store import ConnectionStore
from rowboat.gui.connection_access import ConnectionAccess
from rowboat.gui.dialogs.connections_dialog import ConnectionsDialog
from rowboat.gui.sandbox_service import SandboxService
from tests.gui.helpers import TIMEOUT_MS
from tests.gui.test_accessibility import _unnamed

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from rowboat.gui.dialogs.connection_form import ConnectionForm
    from tests.gui.conftest import Dialogs, Services


@pytest.fixture
def dialog(qtbot: QtBot, services: Services) -> Iterator[ConnectionsDialog]:
    access = ConnectionAccess(SandboxService(server=services.server))
    widget = ConnectionsDialog(access, system="plandocket")
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    widget.close()


def _names(dialog: ConnectionsDialog, system_row: int) -> list[str]:
    group = dialog.tree.topLevelItem(system_row)
    assert group is not None
    children = (group.child(i) for i in range(group.childCount()))
    return [child.text(0) for child in children if child is not None]


def _fill_and_save(qtbot: QtBot, form: ConnectionForm, values: dict[str, str]) -> None:
    for key, value in values.items():
        edit = {"name": form.name, "url": form.url}.get(key) or form.fields[key]
        edit.setText(value)
    form.buttons.accepted.emit()
    qtbot.waitUntil(lambda: form.buttons.isEnabled() or not form.isVisible(), timeout=TIMEOUT_MS)


def test_every_system_lists_the_built_in_sandbox_first(dialog: ConnectionsDialog) -> None:
    assert dialog.tree.topLevelItemCount() == 4
    for row in range(4):
        assert _names(dialog, row) == [f"{SANDBOX_NAME} (built in)"]
    assert dialog.chosen() == ("plandocket", SANDBOX_NAME)
    assert dialog.test.isEnabled()
    assert not dialog.edit.isEnabled()  # the Sandbox is built in: nothing to change
    assert not dialog.remove.isEnabled()
    assert _unnamed(dialog) == []


def test_a_new_connection_keeps_its_secret_in_the_keychain_only(
    qtbot: QtBot, dialog: ConnectionsDialog, services: Services, dialogs: Dialogs
) -> None:
    import keyring

    dialog.add.click()
    form = dialog.form
    assert form is not None
    assert form.spec.key == "plandocket"
    secret = form.fields["api_key"]
    assert secret.echoMode() == secret.EchoMode.Password
    assert "Settings → API" in secret.accessibleDescription()  # the setting's help
    assert _unnamed(form) == []
    with qtbot.waitSignal(dialog.changed, timeout=TIMEOUT_MS):
        _fill_and_save(
            qtbot,
            form,
            {
                "name": "Acme",
                "url": services.server.base_url("plandocket"),
                "api_key": "sandbox-pd-key",
            },
        )
    assert _names(dialog, 2) == [f"{SANDBOX_NAME} (built in)", "Acme"]
    assert dialog.chosen() == ("plandocket", "Acme")
    stored = keyring.get_keyring().entries  # type: ignore[attr-defined]
    assert json.loads(stored[("Rowboat", "Acme")]) == {"api_key": "sandbox-pd-key"}
    settings = ConnectionStore().path.read_text(encoding="utf-8")
    assert "Acme" in settings
    assert "sandbox-pd-key" not in settings
    assert form.fields["api_key"].text() == ""  # the form forgets what was typed

    dialog.test.click()
    qtbot.waitUntil(lambda: dialog.test.isEnabled(), timeout=TIMEOUT_MS)
    assert dialog.banner.message.text().startswith("Note: Connected to Plandocket")

    with qtbot.waitSignal(dialog.changed, timeout=TIMEOUT_MS):
        dialog.remove.click()
    assert dialogs.asked[-1] == ("ask", "Remove the connection 'Acme' and its secrets?")
    assert _names(dialog, 2) == [f"{SANDBOX_NAME} (built in)"]
    assert ("Rowboat", "Acme") not in stored
    assert "Removed the connection 'Acme'" in dialog.banner.message.text()


def test_editing_keeps_the_secret_when_its_field_is_left_empty(
    qtbot: QtBot, dialog: ConnectionsDialog, services: Services
) -> None:
    url = services.server.base_url("plandocket")
    ConnectionStore().add("Acme", "plandocket", url, secrets={"api_key": "sandbox-pd-key"})
    dialog.select("plandocket", "Acme")
    dialog.edit.click()
    form = dialog.form
    assert form is not None
    assert not form.name.isEnabled()
    assert form.url.text() == url
    assert form.fields["api_key"].text() == ""
    with qtbot.waitSignal(dialog.changed, timeout=TIMEOUT_MS):
        _fill_and_save(qtbot, form, {"requests_per_hour": "5000"})
    saved = ConnectionStore().get("Acme")
    assert saved.settings == {"requests_per_hour": "5000"}
    assert ConnectionStore().resolve("Acme", "plandocket")[1] == {"api_key": "sandbox-pd-key"}


def test_a_refused_key_is_said_plainly_with_where_to_look(
    qtbot: QtBot, dialog: ConnectionsDialog, services: Services
) -> None:
    url = services.server.base_url("plandocket")
    ConnectionStore().add("Acme", "plandocket", url, secrets={"api_key": "wrong-key"})
    dialog.select("plandocket", "Acme")
    dialog.test.click()
    qtbot.waitUntil(lambda: dialog.test.isEnabled(), timeout=TIMEOUT_MS)
    assert dialog.banner.message.text().startswith("Problem:")
    assert "401" in dialog.banner.message.text()
    assert dialog.banner.hint.text()
    assert "wrong-key" not in dialog.banner.message.text() + dialog.banner.hint.text()


def test_without_a_keychain_nothing_is_stored_and_it_says_so(
    qtbot: QtBot, dialog: ConnectionsDialog
) -> None:
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]  # put back after
    dialog.add.click()
    form = dialog.form
    assert form is not None
    _fill_and_save(
        qtbot,
        form,
        {"name": "Acme", "url": "https://acme.plandocket.com/api/v1", "api_key": "secret-1"},
    )
    assert form.isVisible()  # not saved: the form stays open, saying why
    assert "no keychain" in form.banner.message.text()
    assert form.banner.hint.text()
    assert ConnectionStore().list() == []
    assert "secret-1" not in form.banner.message.text() + form.banner.details.text.toPlainText()


def test_reset_sandbox_asks_then_empties_it_and_refuses_while_sending(
    qtbot: QtBot, tmp_path: Path, dialogs: Dialogs
) -> None:
    state = tmp_path / "sandbox.db"
    service = SandboxService(state_path=state)
    access = ConnectionAccess(service)
    widget = ConnectionsDialog(access)
    qtbot.addWidget(widget)
    widget.show()
    try:
        service.url()  # started, with its state file
        assert state.exists()
        dialogs.answers = [False]
        widget.reset.click()
        assert state.exists()  # "Keep it" keeps it
        widget.reset.click()
        qtbot.waitUntil(lambda: "empty again" in widget.banner.message.text(), timeout=TIMEOUT_MS)
        assert not state.exists()
        assert not service.running
    finally:
        service.stop()


def test_reset_sandbox_is_refused_while_an_import_is_sent(
    qtbot: QtBot, tmp_path: Path, dialogs: Dialogs
) -> None:
    class Sending:
        busy = True

    service = SandboxService(state_path=tmp_path / "sandbox.db")
    widget = ConnectionsDialog(ConnectionAccess(service), Sending())  # type: ignore[arg-type]
    qtbot.addWidget(widget)
    widget.reset.click()
    assert "cannot be reset now" in widget.banner.message.text()
    assert not [kind for kind, _ in dialogs.asked if kind == "ask"]
