"""The one place for colours, sizes and the stylesheet.

Calm colours of the East Java provincial government (navy, teal, a touch of gold) on a
light background.  Every text/background pair the screens use is listed in
``CONTRAST_PAIRS`` so a test can prove each one reaches WCAG's 4.5:1: a shopper reading
in a bright market hall must not squint.  Sizes are in points for text (>= 18 pt body)
and pixels for touch targets (>= 90 px, about 15 mm on a 15" 1080p panel).

The larger-text toggle multiplies every font size by ``LARGE_SCALE`` and re-applies the
stylesheet, so all screens follow without knowing about it.
"""
from __future__ import annotations

from dataclasses import dataclass

# Palette ------------------------------------------------------------------------------
NAVY = "#0B2545"
NAVY_DARK = "#071a33"
TEAL = "#0A6466"
TEAL_DARK = "#074A4C"
TEAL_LIGHT = "#E3F1F1"
GOLD = "#F2B705"
GOLD_LIGHT = "#FFF4D1"
BG = "#F4F6F9"
SURFACE = "#FFFFFF"
TEXT = "#13233A"
TEXT_MUTED = "#3D4B5C"
BORDER = "#9AA7B5"
ERROR = "#A4161A"
ERROR_BG = "#FDECEC"
OK = "#1B6B3A"
WHITE = "#FFFFFF"

# Sizes --------------------------------------------------------------------------------
TOUCH_MIN_PX = 90  # the smallest thing a finger must hit
SHORT_PANEL_PX = 900  # a window this tall or less is a short panel (768-line): screens save height
BODY_PT = 20


def touch_min_px(panel_height: int) -> int:
    """The smallest finger target on a panel ``panel_height`` pixels high.

    ``TOUCH_MIN_PX`` is 15 mm on a 15-inch 1080-line panel; kiosk panels are 15 to 15.6 inches
    whatever their resolution, so a 768-line panel's pixel is bigger and 64 px are still 15 mm.
    """
    return max(64, min(TOUCH_MIN_PX, round(TOUCH_MIN_PX * panel_height / 1080)))
SMALL_PT = 12  # only for the staff status bar, not for citizens
LARGE_SCALE = 1.25
FONT_FAMILY = '"Noto Sans", "DejaVu Sans", "Segoe UI", sans-serif'

#: (name, foreground, background) of every text colour pair shown to citizens.
CONTRAST_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("body", TEXT, BG),
    ("muted", TEXT_MUTED, BG),
    ("card", TEXT, SURFACE),
    ("card-muted", TEXT_MUTED, SURFACE),
    ("header", WHITE, NAVY),
    ("header-gold", GOLD, NAVY),
    ("primary-button", WHITE, TEAL),
    ("primary-button-pressed", WHITE, TEAL_DARK),
    ("secondary-button", NAVY, SURFACE),
    ("selected-choice", NAVY, TEAL_LIGHT),
    ("accent-button", NAVY, GOLD),
    ("error", ERROR, ERROR_BG),
    ("error-on-bg", ERROR, BG),
    ("ok", OK, BG),
    ("notice", NAVY, GOLD_LIGHT),
    ("statusbar", WHITE, NAVY_DARK),
    ("keypad", NAVY, SURFACE),
)


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.x relative luminance of an sRGB colour like ``#0B2545``."""
    h = hex_colour.lstrip("#")
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(fg: str, bg: str) -> float:
    """WCAG contrast ratio between two colours (1..21)."""
    a, b = sorted((relative_luminance(fg), relative_luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


@dataclass(frozen=True)
class Scale:
    """Font sizes (pt) for one text size setting."""

    factor: float = 1.0

    def pt(self, base: float) -> int:
        return round(base * self.factor)

    @property
    def body(self) -> int:
        return self.pt(BODY_PT)

    @property
    def button(self) -> int:
        return self.pt(22)

    @property
    def title(self) -> int:
        return self.pt(30)

    @property
    def hero(self) -> int:
        return self.pt(40)

    @property
    def code(self) -> int:
        return self.pt(44)


def stylesheet(large: bool = False) -> str:
    """The application stylesheet; ``large`` for the larger-text setting."""
    s = Scale(LARGE_SCALE if large else 1.0)
    return f"""
* {{ font-family: {FONT_FAMILY}; }}
QWidget {{ color: {TEXT}; font-size: {s.body}pt; }}
QMainWindow, #Root, QStackedWidget > QWidget, QScrollArea, QScrollArea > QWidget > QWidget, #page {{ background: {BG}; }}
QLabel {{ background: transparent; }}
QLabel[role="title"] {{ font-size: {s.title}pt; font-weight: 700; color: {NAVY}; }}
QLabel[role="subtitle"] {{ font-size: {s.body + 2}pt; font-weight: 700; color: {NAVY}; }}
QLabel[role="hero"] {{ font-size: {s.hero}pt; font-weight: 800; color: {NAVY}; }}
QLabel[role="muted"] {{ color: {TEXT_MUTED}; }}
QLabel[role="error"] {{ color: {ERROR}; background: {ERROR_BG}; border-left: 6px solid {ERROR};
    padding: 8px 14px; font-weight: 600; }}
QLabel[role="notice"] {{ color: {NAVY}; background: {GOLD_LIGHT}; border-left: 6px solid {GOLD};
    padding: 12px 16px; }}
QLabel[role="ok"] {{ color: {OK}; font-weight: 700; }}
QLabel[role="code"] {{ font-size: {s.code}pt; font-weight: 800; color: {NAVY};
    font-family: "DejaVu Sans Mono", "Noto Mono", monospace; letter-spacing: 2px; }}
QLabel[role="card"] {{ background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 12px; padding: 12px 16px; }}
#Header {{ background: {NAVY}; }}
#Header QLabel {{ color: {WHITE}; }}
#Header QLabel {{ font-size: {s.pt(18)}pt; }}
#Header QLabel[role="market"] {{ color: {GOLD}; font-weight: 700; }}
#NavBar {{ background: {SURFACE}; border-top: 1px solid {BORDER}; }}
#StatusBar {{ background: {NAVY_DARK}; }}
#StatusBar QLabel {{ color: {WHITE}; font-size: {SMALL_PT}pt; }}
#StatusBar QLabel#status-health {{ color: {GOLD}; font-weight: 700; }}
QPushButton {{ min-height: {TOUCH_MIN_PX}px; min-width: {TOUCH_MIN_PX}px; padding: 6px 22px;
    border-radius: 14px; font-size: {s.button}pt; font-weight: 600;
    background: {SURFACE}; color: {NAVY}; border: 2px solid {BORDER}; text-align: center; }}
QPushButton:pressed {{ background: {TEAL_LIGHT}; }}
QPushButton:disabled {{ color: {TEXT_MUTED}; background: {BG}; border-color: {BG}; }}
QPushButton[role="primary"] {{ background: {TEAL}; color: {WHITE}; border: 2px solid {TEAL}; }}
QPushButton[role="primary"]:pressed {{ background: {TEAL_DARK}; }}
QPushButton[role="primary"]:disabled {{ background: {BORDER}; color: {NAVY}; border-color: {BORDER}; }}
QPushButton[role="accent"] {{ background: {GOLD}; color: {NAVY}; border: 2px solid {GOLD}; }}
QPushButton[role="tile"] {{ text-align: left; padding: 10px 18px; min-height: 110px; }}
QPushButton[role="tile"] QLabel[role="tile-name"] {{ font-size: {s.button}pt; font-weight: 700; color: {NAVY}; }}
QPushButton[role="tile"] QLabel[role="tile-desc"] {{ font-size: {s.pt(18)}pt; color: {TEXT_MUTED}; }}
QPushButton[role="choice"] {{ text-align: left; padding: 10px 22px; }}
QPushButton[role="choice"]:checked {{ background: {TEAL_LIGHT}; border: 4px solid {TEAL}; color: {NAVY}; }}
QPushButton[role="stepper"] {{ padding: 0px; min-width: {TOUCH_MIN_PX - 4}px; min-height: {TOUCH_MIN_PX - 4}px; }}
QPushButton[role="key"] {{ font-size: {s.title}pt; font-weight: 700; min-width: 0px; min-height: 0px; padding: 0px; }}
QPushButton[role="listen"] {{ background: {NAVY}; color: {WHITE}; border: 3px solid {GOLD}; }}
QPushButton[role="listen"]:checked {{ background: {GOLD}; color: {NAVY}; border-color: {NAVY}; }}
QPushButton[role="link"] {{ background: transparent; border: 2px solid {TEAL}; color: {TEAL_DARK}; }}
QPushButton[role="lang"] {{ min-height: 110px; font-size: {s.title}pt; }}
QPushButton[role="lang"][compact="true"] {{ min-height: 0px; padding: 4px 22px; }}
/* A short panel (welcome): the widget's own minimum height, ``touch_min_px``, is the floor. */
QPushButton[compact="true"] {{ min-height: 0px; padding: 4px 22px; }}
QPushButton[role="lang"]:checked {{ background: {TEAL_LIGHT}; border: 4px solid {TEAL}; }}
#Header QPushButton {{ background: transparent; color: {WHITE}; border: 2px solid {TEAL_LIGHT};
    font-size: {s.pt(18)}pt; padding: 4px 14px; min-width: {TOUCH_MIN_PX}px; }}
#Header QPushButton:checked {{ background: {GOLD}; color: {NAVY}; border-color: {GOLD}; }}
QRadioButton, QCheckBox {{ min-height: {TOUCH_MIN_PX}px; font-size: {s.button}pt; spacing: 18px;
    padding: 4px 18px; background: {SURFACE}; border: 2px solid {BORDER}; border-radius: 14px; }}
QRadioButton:checked, QCheckBox:checked {{ background: {TEAL_LIGHT}; border: 4px solid {TEAL}; }}
QRadioButton::indicator, QCheckBox::indicator {{ width: 40px; height: 40px; }}
QLineEdit, QPlainTextEdit {{ background: {SURFACE}; color: {TEXT}; border: 2px solid {BORDER};
    border-radius: 10px; padding: 10px 14px; font-size: {s.button}pt; min-height: 60px;
    selection-background-color: {TEAL}; selection-color: {WHITE}; }}
QLineEdit:focus, QPlainTextEdit:focus {{ border: 3px solid {TEAL}; }}
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"] {{ border: 3px solid {ERROR}; }}
QProgressBar {{ min-height: 28px; border: 2px solid {BORDER}; border-radius: 14px; background: {SURFACE};
    text-align: center; font-size: {s.body}pt; }}
QProgressBar::chunk {{ background: {TEAL}; border-radius: 12px; }}
QScrollBar:vertical {{ width: 18px; background: {BG}; }}
QScrollBar::handle:vertical {{ background: {BORDER}; border-radius: 9px; min-height: 60px; }}
#IdleOverlay {{ background: rgba(11, 37, 69, 235); }}
#IdleOverlay QLabel {{ color: {WHITE}; }}
#IdleOverlay QLabel[role="countdown"] {{ font-size: {s.pt(96)}pt; font-weight: 800; color: {GOLD}; }}
#IdleOverlay QLabel[role="title"] {{ color: {WHITE}; font-size: {s.hero}pt; }}
"""
