"""The Target step: endpoint cards chosen by keyboard, the connection, and the event field."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from rowboat.core.connections.remote import Choice
from rowboat.core.targets import list_endpoints
from rowboat.gui.models.endpoint_model import EndpointModel, EndpointRole, SystemRole
from rowboat.gui.pages.target_page import TargetPage
from rowboat.gui.session import SANDBOX, ImportSession
from rowboat.gui.view_state import ViewState
from rowboat.gui.widgets.step_bar import Step
from tests.gui.helpers import TIMEOUT_MS, open_and_wait, wait_for_result

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from rowboat.gui.main_window import MainWindow
    from tests.gui.conftest import Services


@pytest.fixture
def page(qtbot: QtBot) -> TargetPage:
    widget = TargetPage(ImportSession(), ViewState())
    qtbot.addWidget(widget)
    widget.resize(1000, 700)
    widget.show()
    return widget


def _session(page: TargetPage) -> ImportSession:
    return page._session


def test_every_endpoint_has_a_card_with_its_system_and_description(page: TargetPage) -> None:
    model = page.model
    endpoints = list_endpoints()
    assert model.rowCount() == len(endpoints)
    first = model.index(0, 0)
    assert first.data(SystemRole) == endpoints[0].system_label
    assert first.data(Qt.ItemDataRole.ToolTipRole) == endpoints[0].description
    assert first.data(Qt.ItemDataRole.AccessibleTextRole).startswith(endpoints[0].system_label)


def test_a_card_is_chosen_with_the_keyboard_and_enter_goes_on(
    qtbot: QtBot, page: TargetPage
) -> None:
    page.focus_cards()
    assert _session(page).endpoint is None  # focus alone chooses nothing
    QTest.keyClick(page.cards, Qt.Key.Key_Right)
    assert _session(page).endpoint is not None
    QTest.keyClick(page.cards, Qt.Key.Key_Down)
    chosen = _session(page).endpoint
    assert chosen is not None
    assert page.cards.currentIndex().data(EndpointRole) == chosen
    with qtbot.waitSignal(page.accepted, timeout=2000):
        QTest.keyClick(page.cards, Qt.Key.Key_Return)
    assert ViewState().last_endpoint == chosen.id


def test_the_last_endpoint_and_connection_are_chosen_again(qtbot: QtBot) -> None:
    ViewState().last_endpoint = "thalamus.companies"
    page = TargetPage(ImportSession(), ViewState())
    qtbot.addWidget(page)
    endpoint = _session(page).endpoint
    assert endpoint is not None
    assert endpoint.id == "thalamus.companies"
    assert _session(page).connection == SANDBOX


def test_connections_are_offered_per_system_with_sandbox_first(page: TargetPage) -> None:
    page.set_connections({"plandocket": ["Production", "Staging"], "eloqua": ["Marketing"]})
    assert page.select_endpoint("plandocket.contacts")
    names = [page.connection.itemText(i) for i in range(page.connection.count())]
    assert names == [SANDBOX, "Production", "Staging"]
    assert page.connection.currentText() == SANDBOX
    page.connection.setCurrentText("Staging")
    assert _session(page).connection == "Staging"
    assert "Staging" in page.connection_note.text()
    page.select_endpoint("thalamus.companies")
    assert [page.connection.itemText(i) for i in range(page.connection.count())] == [SANDBOX]
    assert _session(page).connection == SANDBOX
    assert "needs no account" in page.connection_note.text()


def test_a_page_without_connections_cannot_test_and_says_why(page: TargetPage) -> None:
    assert not page.test_connection.isEnabled()
    assert "Target step" in page.test_connection.toolTip()
    assert not page.manage.isVisibleTo(page)


def test_the_event_field_appears_only_where_an_event_is_needed(
    qtbot: QtBot, page: TargetPage
) -> None:
    page.select_endpoint("plandocket.contacts")
    assert not page.event_combo.isVisible()
    page.select_endpoint("eloqua.event-registrants")
    assert page.event_combo.isVisible()
    assert page.event_label.text() == "Eloqua event:"
    assert "Needed to submit" in page.event_help.text()
    page.set_events([Choice("12", "Spring Summit 2026"), Choice("14", "Autumn Forum")])
    assert page.event_combo.count() == 2
    assert page.event_combo.itemText(0) == "Spring Summit 2026 (12)"
    page.event_combo.setFocus()
    QTest.keyClicks(page.event_combo, "Spring Summit 2026 (12)")
    assert _session(page).event_key == "12"  # the listed event's key, not its name
    page.event_combo.setEditText("")
    QTest.keyClicks(page.event_combo, "31")
    assert _session(page).event_key == "31"  # a typed key is taken as it is
    page.select_endpoint("plandocket.participants")
    assert page.event_label.text() == "Plandocket event key:"
    assert "Optional" in page.event_help.text()


def test_endpoint_model_passes_the_model_tester(qtmodeltester: object, qapp: object) -> None:
    model = EndpointModel(list_endpoints())
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.row_of("plandocket.participants") >= 0
    assert model.row_of("nowhere.nothing") == -1


def test_the_events_come_from_the_server_and_one_is_chosen_by_its_name(
    qtbot: QtBot, make_window: Callable[[], MainWindow], messy_csv: Path
) -> None:
    win = make_window()
    open_and_wait(qtbot, win, messy_csv)
    win.go_to(Step.TARGET)
    page = win.target_page
    page.select_endpoint("plandocket.participants")
    qtbot.waitUntil(lambda: page.event_combo.count() == 4, timeout=TIMEOUT_MS)
    assert "Choose one of the 4 events" in page.event_status.text()
    found = page.event_combo.findData("roadshow-lisbon")
    assert page.event_combo.itemText(found).startswith("Partner Roadshow Lisbon")
    page.event_combo.setCurrentIndex(found)
    page.event_combo.activated.emit(found)
    assert win.session.event_key == "roadshow-lisbon"


def test_test_connection_says_what_it_found_in_plain_words(
    qtbot: QtBot, make_window: Callable[[], MainWindow], messy_csv: Path
) -> None:
    win = make_window()
    open_and_wait(qtbot, win, messy_csv)
    win.go_to(Step.TARGET)
    page = win.target_page
    page.select_endpoint("plandocket.contacts")
    assert page.test_connection.isEnabled()
    page.test_connection.click()
    assert win.target_page.remote is not None
    qtbot.waitUntil(lambda: not page.remote.testing, timeout=TIMEOUT_MS)  # type: ignore[union-attr]
    text = page.test_result.message.text()
    assert text.startswith("Note: Connected to Plandocket")
    assert page.test_connection.isEnabled()


def test_a_refused_key_is_said_plainly_and_the_events_can_be_asked_again(
    qtbot: QtBot, make_window: Callable[[], MainWindow], services: Services, messy_csv: Path
) -> None:
    from rowboat.core.connections.store import ConnectionStore

    url = services.server.base_url("plandocket")
    ConnectionStore().add("Acme", "plandocket", url, secrets={"api_key": "wrong"})
    win = make_window()
    open_and_wait(qtbot, win, messy_csv)
    win.go_to(Step.TARGET)
    page = win.target_page
    page.select_endpoint("plandocket.participants")
    page.connection.setCurrentText("Acme")
    qtbot.waitUntil(lambda: "Try again" in page.event_status.text(), timeout=TIMEOUT_MS)
    assert "could not be read" in page.event_status.text()
    assert page.event_status.toolTip()  # the hint: where to check the key
    page.test_connection.click()
    qtbot.waitUntil(lambda: page.test_result.message.text().startswith("Problem:"))
    assert "401" in page.test_result.message.text()
    ConnectionStore().update("Acme", secrets={"api_key": "sandbox-pd-key"})
    page.event_status.linkActivated.emit("retry")
    qtbot.waitUntil(lambda: page.event_combo.count() == 4, timeout=TIMEOUT_MS)


def test_an_eloqua_events_own_fields_become_the_endpoint_before_mapping(
    qtbot: QtBot, make_window: Callable[[], MainWindow], tmp_path: Path
) -> None:
    source = tmp_path / "registrants.csv"
    source.write_text(
        "Email;First Name;Last Name;Dietary Requirements\nanna@example.de;Anna;Müller;vegetarian\n",
        encoding="utf-8",
    )
    win = make_window()
    s = win.session
    open_and_wait(qtbot, win, source)
    win.go_to(Step.TARGET)
    page = win.target_page
    page.select_endpoint("eloqua.event-registrants")
    qtbot.waitUntil(lambda: page.event_combo.findData("12") >= 0, timeout=TIMEOUT_MS)
    page.event_combo.setCurrentIndex(page.event_combo.findData("12"))
    page.event_combo.activated.emit(page.event_combo.findData("12"))
    assert s.event_key == "12"

    def has_fields() -> bool:
        return s.endpoint is not None and s.endpoint.schema_origin == "server"

    qtbot.waitUntil(has_fields, timeout=TIMEOUT_MS)
    assert s.endpoint is not None
    assert "Dietary Requirements" in [f.label for f in s.endpoint.fields]
    assert "fields of event 12" in page.fields_note.text()
    wait_for_result(qtbot, win)
    assert s.result is not None
    assert s.result.endpoint == s.endpoint
    # Mapped again for the event's own fields: its own column finds its own field.
    assert s.mapping is not None
    diet = s.mapping.for_field("Dietary_Requirements")
    assert diet is not None
    assert diet.columns == ("Dietary Requirements",)


def test_thalamus_columns_come_from_the_servers_template(
    qtbot: QtBot, make_window: Callable[[], MainWindow], messy_csv: Path
) -> None:
    win = make_window()
    s = win.session
    open_and_wait(qtbot, win, messy_csv)
    win.go_to(Step.TARGET)
    win.target_page.select_endpoint("thalamus.companies")
    qtbot.waitUntil(
        lambda: s.endpoint is not None and s.endpoint.schema_origin == "server",
        timeout=TIMEOUT_MS,
    )
    assert "template for companies" in win.target_page.fields_note.text()
    assert not win.target_page.event_combo.isVisible()
    wait_for_result(qtbot, win)
