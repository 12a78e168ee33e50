"""EndpointModel: the target endpoints as a list, one card each on the Target page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rowboat.core.targets import Endpoint

__all__ = ["DescriptionRole", "EndpointModel", "EndpointRole", "SystemRole"]

EndpointRole = Qt.ItemDataRole.UserRole  # the Endpoint itself
SystemRole = Qt.ItemDataRole.UserRole + 1  # the system's label ("Plandocket")
DescriptionRole = Qt.ItemDataRole.UserRole + 2  # the endpoint's plain-language description

_Index = QModelIndex | QPersistentModelIndex


class EndpointModel(QAbstractListModel):
    """One row per endpoint, in the registry's order (systems as the design lists them)."""

    def __init__(self, endpoints: Sequence[Endpoint], parent: Any = None) -> None:
        super().__init__(parent)
        self._endpoints = list(endpoints)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._endpoints)

    def endpoint(self, row: int) -> Endpoint:
        return self._endpoints[row]

    def row_of(self, endpoint_id: str) -> int:
        for row, e in enumerate(self._endpoints):
            if e.id == endpoint_id:
                return row
        return -1

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._endpoints):
            return None
        e = self._endpoints[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{e.system_label}: {e.label}"
        if role in (
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.AccessibleDescriptionRole,
            DescriptionRole,
        ):
            return e.description
        if role == SystemRole:
            return e.system_label
        if role == EndpointRole:
            return e
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
