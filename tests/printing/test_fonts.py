"""Loading the receipt fonts must not search the disk for fonts the kiosk brings itself.

reportlab's ``getFont`` asked for a name it does not know first looks for a Type 1 font of
that name in every font directory (``bruteForceSearchForAFM``): 0.2 s per face, holding the
GIL, on the housekeeping thread at start-up, which stalled the welcome screen for 0.6 s.
Run in a child process so the faces are not registered already by another test.
"""
from __future__ import annotations

import subprocess
import sys

PROBE = """
import reportlab.pdfbase.pdfmetrics as pdfmetrics
searched = []
real = pdfmetrics.bruteForceSearchForAFM
pdfmetrics.bruteForceSearchForAFM = lambda name: (searched.append(name), real(name))[1]
from printing import fonts
fonts.register()
fonts.register()  # the second time finds them registered
assert sorted(pdfmetrics.getRegisteredFontNames()) >= sorted(fonts._FACES), pdfmetrics.getRegisteredFontNames()
print("searched:", searched)
"""


def test_registering_the_bundled_faces_searches_no_font_directory():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-1500:]
    assert done.stdout.strip() == "searched: []"


def test_text_still_draws_in_the_bundled_faces():
    from printing import fonts

    fonts.register()
    assert fonts.runs("Sampah ꦱꦩ꧀", "KioskSans") == [("KioskSans", "Sampah "), ("KioskJava", "ꦱꦩ꧀")]
