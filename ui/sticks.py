"""Choosing the USB stick an export goes to (the staff page's unsent reports, the SKM report).

Listing ``/media`` stats every mount, and a stick that stopped answering blocks that call in
the kernel: the listing runs on the media lane (``ops.MEDIA``), like the writing, so a hung
stick freezes neither the screen nor the staff lane's PIN checks.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable

from PySide6.QtWidgets import QPushButton

from ui import ops
from ui.widgets import button

log = logging.getLogger(__name__)


def list_sticks(core: Any, on_found: Callable[[list[Path]], None]) -> None:
    """Calls ``on_found(paths)`` on the GUI thread; an error lists none (and is logged)."""

    def failed(_exc: BaseException) -> None:
        log.warning("listing export targets failed")
        on_found([])

    ops.run(core.export_targets, on_done=on_found, on_error=failed, lane=ops.MEDIA)


def stick_buttons(targets: list[Path], name_prefix: str, on_pick: Callable[[Path], None]) -> list[QPushButton]:
    """One big button per stick, named ``<name_prefix><n>``, that calls ``on_pick(path)``."""
    out = []
    for i, path in enumerate(targets):
        b = button("", "send", role="choice", object_name=f"{name_prefix}{i}")
        b.setText(str(path))
        b.setAccessibleName(str(path))
        b.clicked.connect(lambda _=False, p=path: on_pick(p))
        out.append(b)
    return out
