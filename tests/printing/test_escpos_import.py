"""A kiosk restarted every day for months must not fill /tmp with python-escpos's folders."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SNIPPET_OURS = (
    "import logging\n"
    "from printing import render_escpos\n"
    "from printing._escpos import load\n"
    "load()\n"
    "assert not logging.getLogger().handlers, 'escpos configured the root logger'\n"
)
SNIPPET_PLAIN = "import escpos.printer\n"


def _run(code: str, tmp: Path, cache: Path) -> None:
    env = {**os.environ, "TMPDIR": str(tmp), "XDG_CACHE_HOME": str(cache)}
    env.pop("ESCPOS_CAPABILITIES_PICKLE_DIR", None)
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60,
                   cwd=Path(__file__).resolve().parents[2])


def test_plain_import_leaks_a_folder_every_time(tmp_path: Path) -> None:
    """The trap is real (so the next test proves something): each bare import leaves a folder."""
    tmp, cache = tmp_path / "tmp", tmp_path / "cache"
    tmp.mkdir()
    for n in range(1, 3):
        _run(SNIPPET_PLAIN, tmp, cache)
        assert len(list(tmp.iterdir())) == n


def test_our_import_path_leaves_nothing_in_tmp(tmp_path: Path) -> None:
    tmp, cache = tmp_path / "tmp", tmp_path / "cache"
    tmp.mkdir()
    for _ in range(3):
        _run(SNIPPET_OURS, tmp, cache)
    assert list(tmp.iterdir()) == []
    # the capabilities pickle is cached once, in the user cache, and reused
    pickles = list((cache / "python-escpos").glob("*.capabilities.pickle"))
    assert len(pickles) == 1
