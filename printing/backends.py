"""Printer backends: where a rendered receipt goes, and what to tell a clerk when it cannot.

``make_printer(backend, **options)`` returns an object with ``print(receipt)`` and
``status()``.  Every failure is a :class:`PrinterError` whose ``kind`` a clerk can act on:

- ``no_printer``: no such queue / device / folder (check the config or the cable);
- ``offline``: it exists but does not answer or is disabled (switch it on, enable the queue);
- ``paper_out``: the device says its paper is out (only ESC/POS devices can say so);
- ``failed``: anything else, with the detail for the log.

Nothing blocks forever: subprocesses, sockets and serial writes all have timeouts.
``detail`` is English for logs and never contains personal data (receipts carry none).
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from printing.errors import KINDS, STATUSES, PrinterError

__all__ = ["KINDS", "STATUSES", "PrinterError", "Printer", "make_printer", "FilePrinter", "CupsPrinter", "EscposPrinter", "WindowsPrinter"]
from printing.escpos_render import render_escpos
from printing.pdf import render_pdf_with_layout
from printing.receipt import Paper, Receipt, paper_for

class Printer(Protocol):
    def print(self, receipt: Receipt) -> None: ...

    def status(self) -> str: ...


def _safe_name(code: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", code) or "receipt"


# -- file -------------------------------------------------------------------------------------
class FilePrinter:
    """Writes each receipt into a folder (development, demos, and a kiosk with no printer).

    Files are named ``<CODE>-<YYYYmmdd-HHMMSS>.pdf`` (``.bin`` for ESC/POS), written to a
    temporary name and renamed, so a half-written receipt never appears.
    """

    def __init__(self, path: str | os.PathLike[str], paper: str | Paper = "58mm", fmt: str = "pdf"):
        if fmt not in ("pdf", "escpos", "png"):
            raise ValueError(f"file printer format must be pdf, png or escpos, not {fmt!r}")
        self.folder = Path(path)
        self.paper = paper_for(paper)
        self.fmt = fmt
        self.last_path: Path | None = None

    def _render(self, receipt: Receipt) -> tuple[bytes, str]:
        if self.fmt == "escpos":
            return render_escpos(receipt, self.paper), ".bin"
        if self.fmt == "png":
            from printing.png import render_png

            return render_png(receipt, self.paper), ".png"
        return render_pdf_with_layout(receipt, self.paper)[0], ".pdf"

    def print(self, receipt: Receipt) -> None:
        data, ext = self._render(receipt)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PrinterError("no_printer", f"cannot create folder {self.folder}: {exc.strerror}") from None
        stem = f"{_safe_name(receipt.code)}-{datetime.now():%Y%m%d-%H%M%S}"
        target = self.folder / f"{stem}{ext}"
        n = 1
        while target.exists():
            n += 1
            target = self.folder / f"{stem}-{n}{ext}"
        try:
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".printing-", suffix=ext + ".part")  # never a half-written *.pdf
            os.fchmod(fd, 0o644)  # mkstemp makes 0600; a receipt is not secret
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except OSError as exc:
            raise PrinterError("failed", f"cannot write to {self.folder}: {exc.strerror}") from None
        self.last_path = target

    def status(self) -> str:
        probe = self.folder if self.folder.exists() else self.folder.parent
        return "ready" if probe.exists() and os.access(probe, os.W_OK) else "no_printer"


# -- CUPS -------------------------------------------------------------------------------------
class CupsPrinter:
    """A named CUPS queue, through the ``lp``/``lpstat`` commands (no pycups build needed).

    The PDF is sent with ``-o media=Custom.<W>x<H>mm`` (the roll width and the receipt's own
    height), so a roll printer cuts where the receipt ends and a PDF queue keeps its size;
    A6 is sent as ``media=A6``.
    """

    def __init__(self, name: str, paper: str | Paper = "58mm", timeout: float = 15.0,
                 lp: str = "lp", lpstat: str = "lpstat", options: dict[str, str] | None = None):
        if not name:
            raise PrinterError("no_printer", "no CUPS queue name configured")
        self.name, self.paper, self.timeout = name, paper_for(paper), timeout
        self.lp, self.lpstat = lp, lpstat
        self.options = dict(options or {})
        self.last_job: str | None = None

    def _run(self, args: list[str], data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
        try:
            return subprocess.run(args, input=data, capture_output=True, timeout=self.timeout, env=env, check=False)
        except FileNotFoundError:
            raise PrinterError("no_printer", f"{args[0]} not found: CUPS is not installed") from None
        except subprocess.TimeoutExpired:
            raise PrinterError("offline", f"{args[0]} did not answer within {self.timeout:g} s") from None

    def _state(self) -> tuple[str, str]:
        """(status, detail) from ``lpstat -p NAME``."""
        proc = self._run([self.lpstat, "-p", self.name])
        out = (proc.stdout + proc.stderr).decode("utf-8", "replace").strip()
        low = out.lower()
        if "scheduler is not running" in low or "unable to connect" in low or "bad file descriptor" in low:
            return "offline", "the CUPS scheduler is not running"
        if "invalid destination" in low or "unknown destination" in low or "not found" in low:
            return "no_printer", f"no CUPS queue named {self.name!r}"
        if proc.returncode != 0:
            return "unknown", out[:200]
        if " disabled" in low:
            return "offline", f"CUPS queue {self.name!r} is disabled (paused): {out.splitlines()[-1].strip()[:120]}"
        # the state message on the following lines, as the backend reported it
        message = " ".join(line.strip() for line in out.splitlines()[1:])
        if re.search(r"media[- ]empty|out of paper|paper out|no paper", message, re.I):
            return "paper_out", f"CUPS queue {self.name!r}: {message[:160]}"
        if re.search(r"not responding|not connected|waiting for printer|unable to|offline", message, re.I):
            return "offline", f"CUPS queue {self.name!r}: {message[:160]}"
        return "ready", out[:200]

    def status(self) -> str:
        try:
            return self._state()[0]
        except PrinterError as exc:
            return exc.kind if exc.kind in STATUSES else "unknown"

    def media(self, height_pt: float) -> str:
        if self.paper.height_mm is not None:
            return self.paper.name.upper()
        return f"Custom.{self.paper.width_mm:.2f}x{height_pt * 25.4 / 72:.2f}mm"

    def print(self, receipt: Receipt) -> None:
        state, detail = self._state()
        if state in ("no_printer", "offline", "paper_out"):
            raise PrinterError(state, detail)
        pdf, layout = render_pdf_with_layout(receipt, self.paper)
        args = [self.lp, "-d", self.name, "-t", f"receipt-{_safe_name(receipt.code)}",
                "-o", f"media={self.media(layout.page_height)}"]
        for key, value in self.options.items():
            args += ["-o", f"{key}={value}"]
        proc = self._run(args + ["-"], pdf)
        out = (proc.stdout + proc.stderr).decode("utf-8", "replace").strip()
        if proc.returncode != 0:
            state, detail = self._state()
            raise PrinterError(state if state in ("no_printer", "offline") else "failed", out[:200] or detail)
        match = re.search(r"request id is (\S+)", out)
        self.last_job = match.group(1) if match else None


# -- ESC/POS devices --------------------------------------------------------------------------
class EscposPrinter:
    """An ESC/POS device through python-escpos (USB, serial, network port 9100, or Dummy).

    The receipt is rendered once to bytes (see :mod:`printing.escpos_render`) and sent raw,
    so every transport prints exactly the same stream.  Before sending, the paper sensor is
    asked (``DLE EOT 4``) where the transport can read; a printer that does not answer the
    question within ``status_timeout`` is printed to anyway.
    """

    def __init__(self, transport: str, paper: str | Paper = "58mm", timeout: float = 10.0,
                 status_timeout: float = 2.0, **options: Any):
        self.transport, self.paper = transport, paper_for(paper)
        self.timeout, self.status_timeout, self.options = timeout, status_timeout, options
        self.jobs: list[bytes] = []  # dummy: what was "printed"
        self.fail_with: str | None = options.pop("fail_with", None)  # dummy: simulate a failure kind

    # opening a device, mapping each library's exceptions to our kinds
    def _open(self):  # type: ignore[no-untyped-def]
        from printing._escpos import load

        printers = load()
        from escpos import exceptions as exc

        o = self.options
        try:
            if self.transport == "network":
                dev = printers.Network(o["host"], int(o.get("port", 9100)), timeout=self.timeout)
                dev.open()
            elif self.transport == "usb":
                dev = printers.Usb(int(o["usb_vendor"]), int(o["usb_product"]), timeout=int(self.timeout * 1000))
                dev.open()
            elif self.transport == "serial":
                dev = printers.Serial(o["device"], baudrate=int(o.get("baudrate", 9600)), timeout=self.status_timeout)
                dev.open()
                if dev.device is not None:
                    dev.device.write_timeout = self.timeout  # hardware flow control must not block forever
            else:
                raise PrinterError("failed", f"unknown ESC/POS transport {self.transport!r}")
        except PrinterError:
            raise
        except exc.DeviceNotFoundError as e:
            kind = "offline" if self.transport == "network" else "no_printer"
            raise PrinterError(kind, f"{self.transport} printer not found: {str(e).splitlines()[0][:160]}") from None
        except RuntimeError as e:  # python-escpos: "Printing with X requires the pyusb/pyserial library"
            raise PrinterError("failed", str(e)[:200]) from None
        except (OSError, ValueError) as e:
            raise PrinterError("no_printer", f"{self.transport} printer: {e}"[:200]) from None
        if getattr(dev, "device", None) is None:
            raise PrinterError("no_printer", f"{self.transport} printer not found")
        return dev

    def _paper(self, dev) -> str:  # type: ignore[no-untyped-def]
        """ready / paper_out / unknown, asking the device briefly."""
        sock = dev.device if isinstance(getattr(dev, "device", None), socket.socket) else None
        try:
            if sock is not None:
                sock.settimeout(self.status_timeout)
            level = dev.paper_status()
        except Exception:  # no answer, or a transport that cannot read: carry on and print
            return "unknown"
        finally:
            if sock is not None:
                sock.settimeout(self.timeout)
        return "paper_out" if level == 0 else "ready"

    def status(self) -> str:
        if self.transport == "dummy":
            return {"no_printer": "no_printer", "offline": "offline", "paper_out": "paper_out"}.get(self.fail_with or "", "ready")
        try:
            dev = self._open()
        except PrinterError as exc:
            return exc.kind if exc.kind in STATUSES else "unknown"
        try:
            return self._paper(dev)
        finally:
            _close(dev)

    def print(self, receipt: Receipt) -> None:
        data = render_escpos(receipt, self.paper)
        if self.transport == "dummy":
            if self.fail_with:
                raise PrinterError(self.fail_with, "simulated by the dummy printer")
            self.jobs.append(data)
            return
        dev = self._open()
        try:
            if self._paper(dev) == "paper_out":
                raise PrinterError("paper_out", f"{self.transport} printer reports no paper")
            try:
                dev._raw(data)
            except PrinterError:
                raise
            except (TimeoutError, socket.timeout) as e:
                raise PrinterError("offline", f"{self.transport} printer stopped accepting data ({e})") from None
            except OSError as e:
                raise PrinterError("offline", f"{self.transport} printer connection lost: {e}"[:200]) from None
            except Exception as e:  # pyusb's USBError/USBTimeoutError, pyserial's SerialTimeoutException
                name = type(e).__name__
                kind = "offline" if "Timeout" in name or "USBError" in name or "Serial" in name else "failed"
                raise PrinterError(kind, f"{self.transport} printer: {name}: {e}"[:200]) from None
        finally:
            _close(dev)


def _close(dev) -> None:  # type: ignore[no-untyped-def]
    try:
        dev.close()
    except Exception:  # closing a dead device must not hide the real error
        pass


# -- Windows ----------------------------------------------------------------------------------
class WindowsPrinter:
    """A Windows printer through pywin32's ``win32print`` (untested here: no Windows).

    ``fmt="escpos"`` sends the ESC/POS stream RAW (thermal printers installed with a
    generic/text or vendor driver); ``fmt="image"`` draws the rasterised PDF through GDI
    (any printer).  Without pywin32, every call raises ``PrinterError("no_printer", ...)``.
    """

    _STATUS_BITS = ((0x10, "paper_out"), (0x40, "paper_out"), (0x80, "offline"), (0x1000, "offline"),
                    (0x400000, "offline"), (0x2, "offline"), (0x8, "offline"))

    def __init__(self, name: str = "", paper: str | Paper = "58mm", fmt: str = "escpos"):
        self.name, self.paper, self.fmt = name, paper_for(paper), fmt

    def _win32(self):  # type: ignore[no-untyped-def]
        try:
            import win32print  # type: ignore[import-not-found]
        except ImportError:
            raise PrinterError("no_printer", "Windows printing needs pywin32 (win32print), which is not available here") from None
        return win32print

    def _name(self, win32print) -> str:  # type: ignore[no-untyped-def]
        return self.name or win32print.GetDefaultPrinter()

    def status(self) -> str:
        try:
            w = self._win32()
            handle = w.OpenPrinter(self._name(w))
        except PrinterError:
            return "no_printer"
        except Exception:
            return "no_printer"
        try:
            status = w.GetPrinter(handle, 2)["Status"]
        except Exception:
            return "unknown"
        finally:
            w.ClosePrinter(handle)
        for bit, kind in self._STATUS_BITS:
            if status & bit:
                return kind
        return "ready"

    def print(self, receipt: Receipt) -> None:
        w = self._win32()
        state = self.status()
        if state in ("no_printer", "offline", "paper_out"):
            raise PrinterError(state, f"Windows printer {self.name or '(default)'} reports {state}")
        try:
            if self.fmt == "escpos":
                handle = w.OpenPrinter(self._name(w))
                try:
                    w.StartDocPrinter(handle, 1, (f"receipt-{_safe_name(receipt.code)}", None, "RAW"))
                    try:
                        w.StartPagePrinter(handle)
                        w.WritePrinter(handle, render_escpos(receipt, self.paper))
                        w.EndPagePrinter(handle)
                    finally:
                        w.EndDocPrinter(handle)
                finally:
                    w.ClosePrinter(handle)
            else:
                self._print_gdi(receipt)
        except PrinterError:
            raise
        except Exception as exc:
            raise PrinterError("failed", f"Windows printing failed: {type(exc).__name__}: {exc}"[:200]) from None

    def _print_gdi(self, receipt: Receipt) -> None:
        import win32ui  # type: ignore[import-not-found]
        from PIL import ImageWin

        from printing.png import pdf_to_images

        pdf, _ = render_pdf_with_layout(receipt, self.paper)
        dc = win32ui.CreateDC()
        dc.CreatePrinterDC(self._name(self._win32()))
        dpi = dc.GetDeviceCaps(88)  # LOGPIXELSX
        dc.StartDoc(f"receipt-{_safe_name(receipt.code)}")
        try:
            for img in pdf_to_images(pdf, dpi):
                dc.StartPage()
                ImageWin.Dib(img).draw(dc.GetHandleOutput(), (0, 0, img.width, img.height))
                dc.EndPage()
        finally:
            dc.EndDoc()
            dc.DeleteDC()


# -- factory ----------------------------------------------------------------------------------
def make_printer(backend: str, **options: Any) -> Printer:
    """A printer for a config's ``printer.backend``.

    Options: ``paper`` for all; ``path`` and ``fmt`` (file); ``name`` (cups, windows);
    ``host``, ``port`` (escpos-network); ``device``, ``baudrate`` (escpos-serial);
    ``usb_vendor``, ``usb_product`` (escpos-usb); ``timeout`` (seconds) for all devices.
    """
    paper = options.pop("paper", "58mm")
    if backend == "file":
        return FilePrinter(options.pop("path", "receipts"), paper, options.pop("fmt", "pdf"))
    if backend == "cups":
        return CupsPrinter(options.pop("name", ""), paper, **options)
    if backend.startswith("escpos-"):
        return EscposPrinter(backend.removeprefix("escpos-"), paper, **options)
    if backend == "windows":
        return WindowsPrinter(options.pop("name", ""), paper, options.pop("fmt", "escpos"))
    raise ValueError(f"unknown printer backend {backend!r}")
