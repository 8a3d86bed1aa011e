"""The staff PIN: hashing, lockout that survives a restart, and `kiosk staff set-pin`."""
from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from kiosk import config as config_mod
from kiosk import staff
from kiosk.cli import main as cli_main


class FakeClock:
    """Time the test moves by hand, so a five-minute lockout takes no time."""

    def __init__(self, t: float = 1_800_000_000.0):
        self.t = t

    def __call__(self) -> float:
        return self.t


def test_hash_is_salted_self_describing_and_verifies():
    a, b = staff.hash_pin("2468"), staff.hash_pin("2468")
    assert a != b, "two hashes of one PIN must differ (salt)"
    assert a.startswith("scrypt$n=16384,r=8,p=1$")
    assert "2468" not in a
    assert staff.verify_pin("2468", a) and staff.verify_pin("2468", b)
    assert not staff.verify_pin("2469", a)
    assert not staff.verify_pin("24680", a)


@pytest.mark.parametrize("bad", ["", "123", "123456789", "12a4", "１２３４", " 1234", "12.4"])
def test_pin_rules_refuse_what_is_not_4_to_8_digits(bad):
    assert staff.pin_problem(bad)
    with pytest.raises(staff.PinRuleError):
        staff.hash_pin(bad)


@pytest.mark.parametrize("stored", ["", "plain-text-1234", "scrypt$n=3,r=8,p=1$AAAA$AAAA", "scrypt$n=16384,r=8,p=1$!!$!!"])
def test_malformed_stored_hash_matches_nothing(stored):
    assert not staff.verify_pin("1234", stored)


def test_lockout_after_five_wrong_tries_survives_restart_and_expires(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="kiosk.staff")
    clock = FakeClock()
    state = tmp_path / "pin.json"
    pin_hash = staff.hash_pin("7351")
    gate = staff.PinGate(state, pin_hash, tries=5, lockout_s=300, clock=clock)
    assert gate.status().status == "ready"

    results = [gate.attempt("0000") for _ in range(4)]
    assert [r.status for r in results] == ["wrong"] * 4
    assert [r.tries_left for r in results] == [4, 3, 2, 1]
    fifth = gate.attempt("0000")
    assert fifth.status == "locked" and fifth.seconds_left == 300

    # A restart (new gate object, same data dir) is still locked, even for the right PIN.
    clock.t += 60
    gate = staff.PinGate(state, pin_hash, tries=5, lockout_s=300, clock=clock)
    locked = gate.attempt("7351")
    assert locked.status == "locked" and locked.seconds_left == 240
    assert "4 menit" in locked.message("id")

    # After the lock runs out the right PIN opens it and the counter starts afresh.
    clock.t += 241
    assert gate.attempt("7351").ok
    assert gate.attempt("1111").tries_left == 4

    text = caplog.text
    assert "7351" not in text and "0000" not in text and "1111" not in text
    assert "staff PIN accepted" in text and "locked" in text


def test_clock_set_back_does_not_stretch_the_lock(tmp_path):
    clock = FakeClock()
    gate = staff.PinGate(tmp_path / "s.json", staff.hash_pin("1234"), tries=2, lockout_s=300, clock=clock)
    gate.attempt("9999")
    gate.attempt("9999")
    clock.t -= 86_400  # the RTC battery died and the clock went back a day
    assert gate.status().seconds_left <= 300


def test_damaged_state_file_keeps_the_gate_shut(tmp_path):
    state = tmp_path / "s.json"
    state.write_bytes(b"\x00garbage")
    gate = staff.PinGate(state, staff.hash_pin("1234"), clock=FakeClock())
    assert gate.attempt("1234").status == "locked"


def test_no_pin_set_refuses_and_says_how_to_set_one(tmp_path):
    gate = staff.PinGate(tmp_path / "s.json", "", clock=FakeClock())
    result = gate.attempt("1234")
    assert result.status == "no_pin" and not result.ok
    assert "staff set-pin" in result.message("id")
    assert gate.status().status == "no_pin"


def test_for_config_uses_staff_section_and_data_dir(tmp_path):
    cfg = config_mod.from_dict(
        {"kiosk": {"data_dir": str(tmp_path)}, "staff": {"pin_hash": staff.hash_pin("5555"), "lockout_tries": 2}}
    )
    gate = staff.PinGate.for_config(cfg)
    gate.attempt("0000")
    assert gate.attempt("0000").status == "locked"
    assert (tmp_path / staff.STATE_FILE).exists()


CONFIG_TEXT = """\
# Kiosk at Pasar Genteng -- keep this comment
[kiosk]
id = "BWI-GENTENG-01"   # the kiosk's id

[staff]
# the PIN hash, set with kiosk staff set-pin
pin_hash = ""
lockout_tries = 5

[privacy]
retention_days = 7
"""


def _run_set_pin(config: Path, stdin: str, *extra: str, env_config: bool = False) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != config_mod.ENV_VAR}
    args = [sys.executable, "-m", "kiosk"]
    if env_config:
        env[config_mod.ENV_VAR] = str(config)
    elif config is not None:
        args += ["--config", str(config)]
    return subprocess.run([*args, "staff", "set-pin", "--pin-stdin", *extra], input=stdin, capture_output=True, text=True, env=env, timeout=60)


def test_set_pin_writes_hash_in_place_keeping_comments(tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text(CONFIG_TEXT, encoding="utf-8")
    config.chmod(0o640)
    proc = _run_set_pin(config, "80412\n")
    assert proc.returncode == 0, proc.stderr
    text = config.read_text(encoding="utf-8")
    assert "# Kiosk at Pasar Genteng -- keep this comment" in text
    assert "# the PIN hash, set with kiosk staff set-pin" in text
    assert 'id = "BWI-GENTENG-01"   # the kiosk\'s id' in text
    assert "80412" not in text
    stored = tomllib.loads(text)["staff"]["pin_hash"]
    assert staff.verify_pin("80412", stored)
    assert tomllib.loads(text)["staff"]["lockout_tries"] == 5
    assert stat.S_IMODE(config.stat().st_mode) == 0o640
    # and the kiosk accepts it
    cfg = config_mod.load(config)
    assert staff.PinGate.for_config(cfg).attempt("80412").ok


def test_set_pin_via_env_config_and_without_staff_table(tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text('[kiosk]\nid = "X-01"\n', encoding="utf-8")
    proc = _run_set_pin(config, "1234\n", env_config=True)
    assert proc.returncode == 0, proc.stderr
    assert staff.verify_pin("1234", tomllib.loads(config.read_text())["staff"]["pin_hash"])


def test_set_pin_refuses_bad_pin_and_leaves_file_alone(tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text(CONFIG_TEXT, encoding="utf-8")
    proc = _run_set_pin(config, "12ab\n")
    assert proc.returncode == 1
    assert "4 to 8 digits" in proc.stderr
    assert config.read_text(encoding="utf-8") == CONFIG_TEXT


def test_set_pin_refuses_without_a_config_file(monkeypatch, capsys):
    monkeypatch.delenv(config_mod.ENV_VAR, raising=False)
    monkeypatch.setattr(sys, "stdin", __import__("io").StringIO("1234\n"))
    assert cli_main(["staff", "set-pin", "--pin-stdin"]) == 2
    assert "--config" in capsys.readouterr().err


def test_set_pin_text_edit_variants():
    h = "scrypt$n=16384,r=8,p=1$AAAA$BBBB"
    assert staff.set_pin_in_config_text("", h) == f'[staff]\npin_hash = "{h}"\n'
    edited = staff.set_pin_in_config_text('[staff]\nlockout_s = 60\n[privacy]\nretention_days = 3\n', h)
    assert tomllib.loads(edited) == {"staff": {"pin_hash": h, "lockout_s": 60}, "privacy": {"retention_days": 3}}
    # a pin_hash in another table is not touched
    edited = staff.set_pin_in_config_text('[other]\npin_hash = "x"\n[staff]\n', h)
    assert tomllib.loads(edited)["other"]["pin_hash"] == "x"
    assert tomllib.loads(edited)["staff"]["pin_hash"] == h


def test_set_pin_as_root_keeps_the_files_group_and_leaves_no_root_log(tmp_path):
    """`sudo kiosk staff set-pin` on a root:kiosk 0640 config: the kiosk user must still read it,
    and no root-owned log file may appear in the kiosk's data dir."""
    import os

    import pytest

    if os.geteuid() != 0:
        pytest.skip("needs root to give the file another group")
    config = tmp_path / "kiosk.toml"
    config.write_text(CONFIG_TEXT.replace('[kiosk]', f'[kiosk]\ndata_dir = "{tmp_path / "data"}"', 1), encoding="utf-8")
    os.chown(config, 0, 1)  # group daemon, standing in for the kiosk user's group
    config.chmod(0o640)
    proc = _run_set_pin(config, "80412\n")
    assert proc.returncode == 0, proc.stderr
    st = config.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (0, 1, 0o640)
    assert not (tmp_path / "data" / "logs").exists()


def _lock_out(gate, n: int = 5) -> "staff.PinResult":
    for _ in range(n - 1):
        assert gate.attempt("0000").status == "wrong"
    return gate.attempt("0000")


def test_lockouts_escalate_across_restarts_and_deleting_the_file_does_not_reset(tmp_path):
    from offline_queue import Outbox

    clock = FakeClock()
    state = tmp_path / "pin.json"
    pin_hash = staff.hash_pin("7351")
    outbox_path = tmp_path / "outbox.sqlite3"

    def restart():  # a new process: new gate object, new outbox connection, same data dir
        box = Outbox(outbox_path)
        return staff.PinGate(state, pin_hash, tries=5, lockout_s=300, max_lockout_s=3600,
                             clock=clock, mirror=box), box

    lengths = []
    for _ in range(5):
        gate, box = restart()
        result = _lock_out(gate)
        assert result.status == "locked"
        lengths.append(result.seconds_left)
        box.close()
        state.unlink()  # a citizen (or a careless technician) deletes the state file
        gate, box = restart()
        assert gate.status().status == "locked", "the database copy keeps the lock"
        assert gate.attempt("7351").status == "locked"
        box.close()
        clock.t += result.seconds_left + 1
    assert lengths == [300, 600, 1200, 2400, 3600]  # doubling, capped

    # The right PIN after the lock ends opens the gate and resets the escalation.
    gate, box = restart()
    assert gate.attempt("7351").ok
    assert _lock_out(gate).seconds_left == 300
    box.close()


def test_concurrent_tries_cannot_check_more_pins_than_allowed(tmp_path, caplog):
    """Twenty tries at once from many threads: at most five PINs are checked per lock."""
    import threading

    from offline_queue import Outbox

    caplog.set_level(logging.INFO, logger="kiosk.staff")
    box = Outbox(tmp_path / "outbox.sqlite3")
    pin_hash = staff.hash_pin("7351")
    gates = [staff.PinGate(tmp_path / "pin.json", pin_hash, tries=5, lockout_s=300, mirror=box) for _ in range(20)]
    start = threading.Barrier(20)
    results = []

    def go(gate, pin):
        start.wait()
        results.append(gate.attempt(pin))

    threads = [threading.Thread(target=go, args=(g, f"{i:04d}")) for i, g in enumerate(gates)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    checked = caplog.text.count("staff PIN wrong")
    assert checked <= 5
    assert sum(r.status == "wrong" for r in results) <= 4
    assert sum(r.status == "locked" for r in results) >= 15
    box.close()


def test_concurrent_processes_cannot_bypass_the_lockout(tmp_path):
    """Eight processes trying at once (each its own gate and connections)."""
    import subprocess

    pin_hash = staff.hash_pin("7351")
    code = (
        "import sys, time; from kiosk import staff; from offline_queue import Outbox\n"
        f"box = Outbox({str(tmp_path / 'outbox.sqlite3')!r})\n"
        f"g = staff.PinGate({str(tmp_path / 'pin.json')!r}, {pin_hash!r}, tries=5, lockout_s=300, mirror=box)\n"
        "while time.time() < float(sys.argv[1]): time.sleep(0.005)\n"
        "print(g.attempt('0000').status)\n"
    )
    import time as _time

    at = str(_time.time() + 3.0)
    procs = [subprocess.Popen([sys.executable, "-c", code, at], stdout=subprocess.PIPE, text=True) for _ in range(8)]
    statuses = [p.communicate(timeout=60)[0].strip() for p in procs]
    assert set(statuses) <= {"locked", "wrong"}, statuses
    assert statuses.count("wrong") <= 4
    assert statuses.count("locked") >= 4
    gate = staff.PinGate(tmp_path / "pin.json", pin_hash, tries=5, lockout_s=300)
    assert gate.status().status == "locked"


def test_check_sees_the_lockout_after_its_file_was_deleted(tmp_path):
    from kiosk.core import KioskCore
    from kiosk.selftest import run_checks

    cfg = config_mod.from_dict({"kiosk": {"data_dir": str(tmp_path), "space_reserve_mb": 0},
                                "staff": {"pin_hash": staff.hash_pin("5555"), "lockout_tries": 2}})
    with KioskCore(cfg, start_sync=False) as core:
        core.staff_login("0000")
        assert core.staff_login("0000").status == "locked"
    (tmp_path / staff.STATE_FILE).unlink()
    line = next(c for c in run_checks(cfg, only=("staff_pin",)))
    assert line.status == "WARN" and "locked" in line.detail
