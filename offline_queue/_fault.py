"""What kind of trouble an answer (or its absence) is: a value, never read back from text.

The worker decides what to do from the kind (DESIGN.md's answer table), and the core turns
the kind into the words staff see; the server's own text (``Outcome.reason``) is kept only as
the detail beside it.
"""
from __future__ import annotations

from enum import Enum


class FaultKind(str, Enum):
    """The kind of a failed (or not yet known) delivery attempt."""

    #: No connection could be made (refused, DNS, no route): nothing reached the server.
    OFFLINE = "offline"
    #: No whole answer within the request's deadline: the server may have created it.
    TIMEOUT = "timeout"
    #: The connection broke after the request was written: the server may have created it.
    CONNECTION_LOST = "connection_lost"
    #: The answer was larger than the cap; it was not read.
    TOO_LARGE = "too_large"
    #: Not an Open311 answer (a captive portal's page, a proxy's redirect, garbage).
    NOT_OPEN311 = "not_open311"
    #: The server is failing or busy (5xx, 408, 409, 429).
    SERVER = "server"
    #: The server refuses this kiosk's key: the whole queue waits (not any item's fault).
    KEY_REFUSED = "key_refused"
    #: The same refusal for several different services in a row: a kiosk-wide fault.
    REPEATED_REFUSAL = "repeated_refusal"
    #: A 401/403 that names the service: only that item waits.
    SERVICE_REFUSED = "service_refused"
    #: The server does not know the item's service (404).
    UNKNOWN_SERVICE = "unknown_service"
    #: The server rejected this item's content (400, 413, 415, 422): staff must look at it.
    REJECTED = "rejected"
    #: A bug or an odd transport error on our side.
    INTERNAL = "internal"

    @property
    def unknown_outcome(self) -> bool:
        """True when the request may have been created although no answer said so."""
        return self in (FaultKind.TIMEOUT, FaultKind.CONNECTION_LOST)

    @property
    def network(self) -> bool:
        """True when the fault says nothing reached us from a working server."""
        return self in (FaultKind.OFFLINE, FaultKind.TIMEOUT, FaultKind.CONNECTION_LOST, FaultKind.NOT_OPEN311)
