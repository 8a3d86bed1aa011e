"""Fault injection: what a flaky provincial server and a market's network do to a POST.

A fault set is chosen per run (``--faults SPEC``) and can be swapped at run time, so one
simulator can play a good day and a bad day in the same test. The SPEC is a comma list of
``name:probability`` or ``name:probability:param``::

    500:0.1,503:0.05:2,429:0.05:1,slow:0.05:3,drop:0.1,html:0.05,badkey:1,trickle:0.1:1,
    huge:0.01:50,error200:0.05

At most one fault hits a request: one draw from a seeded ``random.Random`` is walked
through the cumulative probabilities in the order given, so a run is reproducible with
``--seed`` (as far as thread scheduling allows) and ``badkey:1`` alone means "always".

Faults apply to ``POST requests.json``. The same names prefixed with ``get`` (``get500``,
``getdrop``...) apply to the Open311 GET endpoints instead.
"""
from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from typing import Any, Mapping

#: Answer at once with this status and no commit.
ERROR_STATUSES = {"500": 500, "502": 502, "504": 504, "503": 503, "429": 429, "408": 408, "409": 409}
#: Faults that need a numeric parameter, and its default.
DEFAULT_PARAMS = {"503": 1.0, "429": 1.0, "slow": 2.0, "timeout": 30.0, "trickle": 1.0, "huge": 50.0}
#: Every fault name the simulator knows (without the ``get`` prefix). ``trickle:p:S`` writes
#: the whole answer one byte every S seconds; ``huge:p:MB`` answers 200 with MB megabytes of
#: JSON (nothing stored); ``error200`` answers 200 with an Open311 error array (nothing stored).
KNOWN = frozenset([*ERROR_STATUSES, "slow", "timeout", "drop", "html", "badkey", "trickle", "huge", "error200"])


class FaultSpecError(ValueError):
    """A fault spec that cannot be understood; the message names the bad part."""


@dataclass(frozen=True)
class Fault:
    """One kind of misbehaviour: ``name`` (e.g. ``"503"``), its probability and parameter."""

    name: str
    probability: float
    param: float | None = None

    @property
    def on_get(self) -> bool:
        return self.name.startswith("get")

    @property
    def kind(self) -> str:
        """The fault name without the ``get`` prefix."""
        return self.name[3:] if self.on_get else self.name

    def spec(self) -> str:
        return f"{self.name}:{self.probability:g}" + ("" if self.param is None else f":{self.param:g}")


def _make(name: str, probability: Any, param: Any = None) -> Fault:
    name = str(name).strip().lower()
    base = name[3:] if name.startswith("get") and name[3:] in KNOWN else name
    if base not in KNOWN:
        raise FaultSpecError(f"unknown fault {name!r} (known: {', '.join(sorted(KNOWN))})")
    try:
        p = float(probability)
    except (TypeError, ValueError):
        raise FaultSpecError(f"fault {name!r}: probability {probability!r} is not a number") from None
    if not 0.0 <= p <= 1.0:
        raise FaultSpecError(f"fault {name!r}: probability {p} is not between 0 and 1")
    if param is None or param == "":
        value = DEFAULT_PARAMS.get(base)
    else:
        try:
            value = float(param)
        except (TypeError, ValueError):
            raise FaultSpecError(f"fault {name!r}: parameter {param!r} is not a number") from None
        if value < 0:
            raise FaultSpecError(f"fault {name!r}: parameter {value} is negative")
    return Fault(name, p, value)


def parse_faults(spec: str | Mapping[str, Any] | list | None) -> tuple[Fault, ...]:
    """Parse a SPEC string, or a dict ``{"503": 0.05}`` / ``{"503": [0.05, 2]}`` /
    ``{"503": {"probability": 0.05, "param": 2}}``, or a list of such strings, into faults.

    ``None``, ``""`` and ``{}`` mean no faults.
    """
    if spec is None:
        return ()
    if isinstance(spec, Fault):
        return (spec,)
    if isinstance(spec, str):
        faults = []
        for part in spec.split(","):
            part = part.strip()
            if not part:
                continue
            bits = part.split(":")
            if len(bits) not in (2, 3):
                raise FaultSpecError(f"fault {part!r}: expected name:probability[:param]")
            faults.append(_make(*bits))
        return tuple(faults)
    if isinstance(spec, Mapping):
        faults = []
        for name, value in spec.items():
            if isinstance(value, Mapping):
                faults.append(_make(name, value.get("probability", value.get("p")), value.get("param")))
            elif isinstance(value, (list, tuple)):
                faults.append(_make(name, *value))
            else:
                faults.append(_make(name, value))
        return tuple(faults)
    if isinstance(spec, (list, tuple)):
        out: list[Fault] = []
        for item in spec:
            out.extend(parse_faults(item))
        return tuple(out)
    raise FaultSpecError(f"cannot read faults from {type(spec).__name__}")


class FaultPlan:
    """The current fault set and the seeded dice; thread-safe, swappable at run time."""

    def __init__(self, spec: Any = None, seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self._faults = parse_faults(spec)
        self._rng = random.Random(seed)

    def set(self, spec: Any, seed: int | None = None) -> tuple[Fault, ...]:
        faults = parse_faults(spec)
        with self._lock:
            self._faults = faults
            if seed is not None:
                self._rng.seed(seed)
        return faults

    @property
    def faults(self) -> tuple[Fault, ...]:
        return self._faults

    def spec(self) -> str:
        return ",".join(f.spec() for f in self._faults)

    def draw(self, on_get: bool) -> Fault | None:
        """Roll once for a request; the fault that hits, or None."""
        with self._lock:
            candidates = [f for f in self._faults if f.on_get == on_get and f.probability > 0]
            if not candidates:
                return None
            roll = self._rng.random()
        total = 0.0
        for fault in candidates:
            total += fault.probability
            if roll < total:
                return fault
        return None
