"""The "Dengarkan" (listen) button: reading the current citizen screen aloud (issue #12).

One button for every screen, in the window's Back/Next bar; each screen only says what to
read (``Screen.spoken(lang)``, built by the core's ``kiosk.speech``).  The engine runs in
its own process (``ui.speech.Speaker`` starts and watches it; a hung or dead one only hides
the button); this module decides when to read and when to stop.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from kiosk.i18n import N_
from ui import ops, theme
from ui.icons import icon
from ui.speech import Speaker
from ui.widgets import button, set_msgid

if TYPE_CHECKING:
    from ui.window import MainWindow

log = logging.getLogger(__name__)


class ListenControl(QObject):
    """The "Dengarkan" button and what it reads (``kiosk.speech``: off | button | always).

    The button reads the current screen's ``spoken`` text and turns into "Berhenti" (stop)
    while it speaks; a second tap stops it, and so does moving on (a new screen, the next
    question, another language).  In ``always`` mode each new screen is read once by itself.
    Nothing is read after the idle wipe or at start-up, when nobody is there, until a citizen
    moves the kiosk on.  The idle warning stops the reading; in ``always`` mode it is itself
    read ("still there?"), since its countdown covers the button.  The button is hidden on the
    staff screens and whenever the current language has no voice.
    """

    def __init__(self, window: "MainWindow", mode: str, volume: int) -> None:
        super().__init__(window)
        self.window = window
        self.mode = mode
        self.hush = True  # nobody there yet (start-up, after the wipe)
        self._wiping = False
        self.volume = volume
        # Its process is started by the window once the welcome screen is painted (Speaker.start).
        self.speaker = Speaker(window.flow.languages, volume, parent=self, start=False) if mode != "off" else None
        self.button = button(N_("Dengarkan"), "speaker", role="listen", object_name="listen",
                             icon_colour=theme.WHITE)
        self.button.setCheckable(True)
        self.button.setMinimumWidth(300)  # "Mirengaken" (jv) in bold, with its icon
        self.button.clicked.connect(self._tapped)
        self.button.hide()
        self.auto = QTimer(self)
        self.auto.setSingleShot(True)
        self.auto.setInterval(0)
        self.auto.timeout.connect(self._auto_read)
        flow = window.flow
        for sig in (flow.screen_changed, flow.step_changed, flow.language_changed):
            sig.connect(self.moved_on)
        flow.wiped.connect(self._wiped)
        if self.speaker is not None:
            self.speaker.availability_changed.connect(self.update)
            self.speaker.speaking_changed.connect(self._speaking)

    @property
    def available(self) -> bool:
        s = self.speaker
        return s is not None and s.can_speak(self.window.flow.language) and self._text() is not None

    def _text(self) -> str | None:
        return self.window.current.spoken(self.window.flow.language)

    def update(self) -> None:
        """Show the button where the screen has something to read and a voice can read it."""
        self.button.setVisible(self.available)
        self.window._update_nav()
        self._staff_volume()

    def read(self) -> None:
        """Read the current screen aloud, from the start."""
        text = self._text()
        if self.speaker is not None and text:
            self.speaker.say(self.window.flow.language, text)

    def stop(self) -> None:
        if self.speaker is not None:
            self.speaker.stop()

    def warned(self) -> None:
        """The idle warning is up: stop; in ``always`` mode say it, for those who cannot see it."""
        from kiosk import speech as words

        self.stop()
        lang = self.window.flow.language
        if self.mode == "always" and not self.hush and self.speaker is not None and self.speaker.can_speak(lang):
            self.speaker.say(lang, words.idle(lang))

    def set_volume(self, percent: int) -> None:
        """Staff turned the voice up or down: now, and after a restart (kiosk/volume.py)."""
        from kiosk import volume as volume_mod

        self.volume = max(0, min(100, int(percent)))
        if self.speaker is not None:
            self.speaker.set_volume(self.volume)
        ops.run(volume_mod.store, self.window.core.cfg, self.volume,
                on_error=lambda _e: log.warning("speech: could not keep the volume"))
        self._staff_volume()

    def hear_volume(self) -> None:
        """The staff area's "Uji suara": the welcome words at the chosen volume."""
        from kiosk import speech as words

        if self.speaker is not None:
            self.speaker.say(self.window.flow.language, words.welcome(self.window.flow.language,
                                                                       self.window.flow.languages))

    def _staff_volume(self) -> None:
        staff = self.window.screens.get("staff")
        if staff is not None:
            s = self.speaker
            staff.show_volume(self.volume, s is not None and s.can_speak(self.window.flow.language))

    def _tapped(self) -> None:
        self.hush = False
        if self.speaker is not None and self.speaker.speaking:
            self.stop()
        else:
            self.read()
        self._speaking(self.speaker is not None and self.speaker.speaking)

    def moved_on(self, *_args: object) -> None:
        """The citizen went on: stop, and in ``always`` mode read the new screen (once the
        screen has built itself for it)."""
        self.stop()
        if not self._wiping:
            self.hush = False
        self.auto.start()

    def _auto_read(self) -> None:
        self.update()
        if self.mode == "always" and not self.hush and self.available:
            self.read()

    def _wiped(self) -> None:
        self.stop()
        self.hush = True
        self._wiping = True  # the wipe's own screen and language changes are not a citizen's
        QTimer.singleShot(0, self, self._wipe_done)

    def _wipe_done(self) -> None:
        self._wiping = False

    def _speaking(self, on: bool) -> None:
        set_msgid(self.button, N_("Berhenti") if on else N_("Dengarkan"))
        self.button.setIcon(icon("stop" if on else "speaker", theme.NAVY if on else theme.WHITE, 96))
        self.button.setChecked(on)

    def shutdown(self) -> None:
        self.auto.stop()
        if self.speaker is not None:
            self.speaker.shutdown()
