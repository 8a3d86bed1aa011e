"""The satisfaction survey (Survei Kepuasan Masyarakat, PermenPAN-RB No. 14/2017): the model.

Plain Python, no Qt, no storage: the nine elements (*unsur*) and their wording, the checks a
response must pass (each message names the element or profile field), and the arithmetic of
the regulation's annex:

- NRR (nilai rata-rata) of an element = the mean of its answers (1-4);
- the annex weighs every element equally (bobot = 1/9, "NRR tertimbang" = NRR x 1/9), so the
  index in 1-4 is the plain mean of the nine NRR; IKM = 25 x that index (25-100), shown with
  two decimals (half up, computed on exact fractions so 76.605 is never a float accident);
- mutu from the two-decimal IKM: A 88.31-100.00 (sangat baik), B 76.61-88.30 (baik),
  C 65.00-76.60 (kurang baik), D 25.00-64.99 (tidak baik);
- the sample a unit needs for its yearly population: the Krejcie-Morgan table (1970) the
  guideline refers to.

Anonymity is part of the model: a :class:`Response` has no field for a name, a phone, a NIK, a
tracking code or a time of day -- only the day, an age *band*, and the other profile choices.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Iterable, Mapping, Sequence

from kiosk.i18n import LANGUAGES, N_, tr

ELEMENT_IDS: tuple[str, ...] = tuple(f"u{i}" for i in range(1, 10))
WEIGHT = Fraction(1, 9)  # the annex's bobot nilai rata-rata tertimbang: 1 / number of elements
SUGGESTION_MAX = 500


@dataclass(frozen=True)
class Element:
    """One of the nine elements: its short name, the default question and the four answer words."""

    id: str
    name: str
    question: str
    answers: tuple[str, str, str, str]  # for 1, 2, 3, 4


ELEMENTS: tuple[Element, ...] = (
    Element("u1", N_("Persyaratan"),
            N_("Bagaimana pendapat Anda tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?"),
            (N_("Tidak sesuai"), N_("Kurang sesuai"), N_("Sesuai"), N_("Sangat sesuai"))),
    Element("u2", N_("Sistem, mekanisme dan prosedur"),
            N_("Bagaimana pendapat Anda tentang kemudahan prosedur pelayanan di unit ini?"),
            (N_("Tidak mudah"), N_("Kurang mudah"), N_("Mudah"), N_("Sangat mudah"))),
    Element("u3", N_("Waktu penyelesaian"),
            N_("Bagaimana pendapat Anda tentang kecepatan waktu dalam memberikan pelayanan?"),
            (N_("Tidak cepat"), N_("Kurang cepat"), N_("Cepat"), N_("Sangat cepat"))),
    Element("u4", N_("Biaya/tarif"),
            N_("Bagaimana pendapat Anda tentang kewajaran biaya atau tarif dalam pelayanan?"),
            (N_("Sangat mahal"), N_("Cukup mahal"), N_("Murah"), N_("Gratis"))),
    Element("u5", N_("Produk spesifikasi jenis pelayanan"),
            N_("Bagaimana pendapat Anda tentang kesesuaian hasil pelayanan dengan yang tercantum dalam standar pelayanan?"),
            (N_("Tidak sesuai"), N_("Kurang sesuai"), N_("Sesuai"), N_("Sangat sesuai"))),
    Element("u6", N_("Kompetensi pelaksana"),
            N_("Bagaimana pendapat Anda tentang kemampuan petugas dalam pelayanan?"),
            (N_("Tidak mampu"), N_("Kurang mampu"), N_("Mampu"), N_("Sangat mampu"))),
    Element("u7", N_("Perilaku pelaksana"),
            N_("Bagaimana pendapat Anda tentang kesopanan dan keramahan petugas?"),
            (N_("Tidak sopan dan ramah"), N_("Kurang sopan dan ramah"), N_("Sopan dan ramah"), N_("Sangat sopan dan ramah"))),
    Element("u8", N_("Penanganan pengaduan, saran dan masukan"),
            N_("Bagaimana pendapat Anda tentang penanganan pengaduan, saran dan masukan?"),
            (N_("Tidak ada"), N_("Ada tetapi tidak berfungsi"), N_("Berfungsi kurang maksimal"), N_("Dikelola dengan baik"))),
    Element("u9", N_("Sarana dan prasarana"),
            N_("Bagaimana pendapat Anda tentang kualitas sarana dan prasarana?"),
            (N_("Buruk"), N_("Cukup"), N_("Baik"), N_("Sangat baik"))),
)
ELEMENT_BY_ID = {e.id: e for e in ELEMENTS}

# The respondent's profile: every field optional, each a small set of bands so that no
# combination points at one person (an exact age would, at a market kiosk).
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("<25", 0, 24), ("25-34", 25, 34), ("35-44", 35, 44), ("45-54", 45, 54), ("55-64", 55, 64), ("65+", 65, 200),
)
PROFILE_CHOICES: dict[str, tuple[tuple[str, str], ...]] = {
    "age": tuple((key, key if key not in ("<25", "65+") else (N_("di bawah 25") if key == "<25" else N_("65 ke atas")))
                 for key, _lo, _hi in AGE_BANDS),
    "gender": (("L", N_("Laki-laki")), ("P", N_("Perempuan"))),
    "education": (("sd", N_("SD atau tidak sekolah")), ("smp", N_("SMP")), ("sma", N_("SMA/SMK")),
                  ("diploma", N_("Diploma")), ("s1", N_("S1")), ("s2", N_("S2/S3"))),
    "occupation": (("pedagang", N_("Pedagang/wiraswasta")), ("swasta", N_("Pegawai swasta")),
                   ("pns", N_("PNS/TNI/Polri")), ("pelajar", N_("Pelajar/mahasiswa")),
                   ("rumah_tangga", N_("Ibu rumah tangga")), ("lainnya", N_("Lainnya"))),
}
PROFILE_FIELDS: tuple[str, ...] = tuple(PROFILE_CHOICES)
PROFILE_LABELS = {"age": N_("Usia"), "gender": N_("Jenis kelamin"), "education": N_("Pendidikan terakhir"),
                  "occupation": N_("Pekerjaan utama")}

MUTU: tuple[tuple[str, Decimal, Decimal, str], ...] = (
    ("A", Decimal("88.31"), Decimal("100.00"), N_("Sangat baik")),
    ("B", Decimal("76.61"), Decimal("88.30"), N_("Baik")),
    ("C", Decimal("65.00"), Decimal("76.60"), N_("Kurang baik")),
    ("D", Decimal("25.00"), Decimal("64.99"), N_("Tidak baik")),
)
MUTU_LABELS = {letter: label for letter, _lo, _hi, label in MUTU}

# Krejcie & Morgan (1970), "Determining sample size for research activities": population N ->
# sample S at 95 % confidence, 5 % margin, p = 0.5.  The guideline refers units to it.
KREJCIE_MORGAN: tuple[tuple[int, int], ...] = (
    (10, 10), (15, 14), (20, 19), (25, 24), (30, 28), (35, 32), (40, 36), (45, 40), (50, 44), (55, 48),
    (60, 52), (65, 56), (70, 59), (75, 63), (80, 66), (85, 70), (90, 73), (95, 76), (100, 80), (110, 86),
    (120, 92), (130, 97), (140, 103), (150, 108), (160, 113), (170, 118), (180, 123), (190, 127), (200, 132),
    (210, 136), (220, 140), (230, 144), (240, 148), (250, 152), (260, 155), (270, 159), (280, 162), (290, 165),
    (300, 169), (320, 175), (340, 181), (360, 186), (380, 191), (400, 196), (420, 201), (440, 205), (460, 210),
    (480, 214), (500, 217), (550, 226), (600, 234), (650, 242), (700, 248), (750, 254), (800, 260), (850, 265),
    (900, 269), (950, 274), (1000, 278), (1100, 285), (1200, 291), (1300, 297), (1400, 302), (1500, 306),
    (1600, 310), (1700, 313), (1800, 317), (1900, 320), (2000, 322), (2200, 327), (2400, 331), (2600, 335),
    (2800, 338), (3000, 341), (3500, 346), (4000, 351), (4500, 354), (5000, 357), (6000, 361), (7000, 364),
    (8000, 367), (9000, 368), (10000, 370), (15000, 375), (20000, 377), (30000, 379), (40000, 380),
    (50000, 381), (75000, 382), (1000000, 384),
)
_KM_POPULATIONS = [n for n, _s in KREJCIE_MORGAN]


class SkmInvalid(ValueError):
    """A response that cannot be recorded; ``field`` names the element or profile field.

    ``message`` is an Indonesian msgid, translated where it is shown (``text(lang)``).
    """

    def __init__(self, field_name: str, message: str, **params: object):
        self.field, self.message, self.params = field_name, message, params
        super().__init__(f"{field_name}: {tr('en', message, **params)}")

    def text(self, lang: str) -> str:
        return f"{self.field}: {tr(lang, self.message, **self.params)}"


@dataclass(frozen=True)
class Response:
    """One anonymous, validated response.  ``day`` is the only time there is (see module doc)."""

    answers: Mapping[str, int]
    day: date
    age: str = ""
    gender: str = ""
    education: str = ""
    occupation: str = ""
    suggestion: str = ""
    language: str = "id"

    def profile(self) -> dict[str, str]:
        return {f: getattr(self, f) for f in PROFILE_FIELDS}


# -- wording ------------------------------------------------------------------------------

def element_name(element_id: str, lang: str) -> str:
    return tr(lang, ELEMENT_BY_ID[element_id].name)


def question(element_id: str, lang: str, unit_questions: Mapping[str, Any] | None = None) -> str:
    """The question for an element in ``lang``: the unit's own wording (``[skm.questions]``)
    when it gave one for that language, else the regulation's default, translated."""
    custom = (unit_questions or {}).get(element_id)
    if isinstance(custom, str):
        custom = {"id": custom}
    if isinstance(custom, Mapping) and custom.get(lang):
        return str(custom[lang])
    return tr(lang, ELEMENT_BY_ID[element_id].question)


def answer_words(element_id: str, lang: str) -> tuple[str, str, str, str]:
    return tuple(tr(lang, w) for w in ELEMENT_BY_ID[element_id].answers)  # type: ignore[return-value]


def check_unit_questions(value: Any) -> str | None:
    """A problem with ``[skm.questions]`` in words (the config names the key), or None."""
    if not isinstance(value, Mapping):
        return "must be a table of u1 ... u9"
    for key, text in value.items():
        if key not in ELEMENT_IDS:
            return f"unknown element {key!r}; the elements are u1 ... u9"
        if isinstance(text, str):
            if not text.strip():
                return f"{key}: must not be empty"
            continue
        if not isinstance(text, Mapping) or not text:
            return f"{key}: must be a string or a table such as {{ id = \"...\", jv = \"...\", en = \"...\" }}"
        for lang, t in text.items():
            if lang not in LANGUAGES:
                return f"{key}: unknown language {lang!r}; choose from {', '.join(LANGUAGES)}"
            if not isinstance(t, str) or not t.strip():
                return f"{key}.{lang}: must be a non-empty string"
    return None


# -- validation ---------------------------------------------------------------------------

def age_band(age: Any) -> str:
    """An age in years (or a band key) -> its band key; "" for none."""
    if age in (None, ""):
        return ""
    if isinstance(age, str) and age in {k for k, _lo, _hi in AGE_BANDS}:
        return age
    if isinstance(age, bool) or not isinstance(age, int) and not (isinstance(age, str) and age.strip().isdigit()):
        raise SkmInvalid("respondent.age", N_("usia harus berupa angka tahun atau salah satu kelompok usia"))
    years = int(age)
    if not 10 <= years <= 120:
        raise SkmInvalid("respondent.age", N_("usia harus antara 10 dan 120 tahun"))
    return next(k for k, lo, hi in AGE_BANDS if lo <= years <= hi)


def _choice(field_name: str, value: Any) -> str:
    if value in (None, ""):
        return ""
    keys = [k for k, _label in PROFILE_CHOICES[field_name]]
    text = str(value).strip()
    for k in keys:
        if text.lower() == k.lower():
            return k
    raise SkmInvalid(f"respondent.{field_name}", N_("pilihan tidak dikenal {value}; pilihan: {choices}"),
                     value=repr(text), choices=", ".join(keys))


_PERSONAL = (
    re.compile(r"(?i)[A-Z0-9._%+\-]+@[A-Z0-9.\-]+\.[A-Z]{2,}"),  # e-mail
    re.compile(r"(?:\+|\b)\d(?:[\s.\-]?\d){7,}"),  # phone numbers, NIK: any run of 8+ digits
)


def clean_suggestion(text: Any) -> str:
    """The suggestion as plain text, at most SUGGESTION_MAX characters, with anything that looks
    like a phone number, a NIK or an e-mail address replaced by "…" (the survey is anonymous,
    and the suggestion is printed on a page pinned to the wall)."""
    from kiosk.validation import clean_text

    cleaned = clean_text("" if text is None else str(text), multiline=False)
    for pattern in _PERSONAL:
        cleaned = pattern.sub("…", cleaned)
    return cleaned[:SUGGESTION_MAX]


def parse_response(data: Any, *, today: date) -> Response:
    """One response in the screen's JSON shape -> :class:`Response`, or :class:`SkmInvalid`.

    ``{"answers": {"u1": 1-4, ... "u9": 1-4}, "respondent": {"age": 40, "gender": "L|P",
    "education": "...", "occupation": "..."}, "suggestion": "...", "language": "id",
    "date": "YYYY-MM-DD"}`` -- ``date`` (optional, not in the future) is for typing in paper
    questionnaires; the screen never sends one.  Keys beyond these (a name, a phone, a tracking
    code...) are refused rather than silently dropped, so an integration that sends them learns.
    """
    if not isinstance(data, Mapping):
        raise SkmInvalid("response", N_("harus berupa objek JSON"))
    unknown = sorted(set(data) - {"answers", "respondent", "suggestion", "language", "date"})
    if unknown:
        raise SkmInvalid(unknown[0], N_("kolom ini tidak dipakai survei yang anonim"))
    answers_in = data.get("answers")
    if not isinstance(answers_in, Mapping):
        raise SkmInvalid("answers", N_("jawaban u1 sampai u9 wajib diisi"))
    extra = sorted(set(answers_in) - set(ELEMENT_IDS))
    if extra:
        raise SkmInvalid(f"answers.{extra[0]}", N_("unsur tidak dikenal; unsur survei adalah u1 sampai u9"))
    answers: dict[str, int] = {}
    for eid in ELEMENT_IDS:
        value = answers_in.get(eid)
        if value is None:
            raise SkmInvalid(f"answers.{eid}", N_("jawaban untuk unsur ini belum ada ({name})"),
                             name=tr("en", ELEMENT_BY_ID[eid].name))
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4:
            raise SkmInvalid(f"answers.{eid}", N_("jawaban harus 1, 2, 3 atau 4, bukan {value}"), value=repr(value))
        answers[eid] = value
    resp_in = data.get("respondent") or {}
    if not isinstance(resp_in, Mapping):
        raise SkmInvalid("respondent", N_("harus berupa objek JSON"))
    extra = sorted(set(resp_in) - set(PROFILE_FIELDS))
    if extra:
        raise SkmInvalid(f"respondent.{extra[0]}", N_("kolom ini tidak dipakai survei yang anonim"))
    language = data.get("language") or "id"
    if language not in LANGUAGES:
        raise SkmInvalid("language", N_("bahasa tidak dikenal {value}; pilihan: {choices}"),
                         value=repr(language), choices=", ".join(LANGUAGES))
    day = today
    if data.get("date"):
        try:
            day = date.fromisoformat(str(data["date"]))
        except ValueError:
            raise SkmInvalid("date", N_("tanggal harus berbentuk YYYY-MM-DD")) from None
        if day > today:
            raise SkmInvalid("date", N_("tanggal tidak boleh di masa depan"))
    return Response(
        answers=answers, day=day,
        age=age_band(resp_in.get("age")),
        gender=_choice("gender", resp_in.get("gender")),
        education=_choice("education", resp_in.get("education")),
        occupation=_choice("occupation", resp_in.get("occupation")),
        suggestion=clean_suggestion(data.get("suggestion")),
        language=language,
    )


def parse_many(data: Any, *, today: date) -> list[Response]:
    """One object or an array; every item is checked before any is returned (all or nothing)."""
    items = data if isinstance(data, list) else [data]
    out = []
    for i, item in enumerate(items):
        try:
            out.append(parse_response(item, today=today))
        except SkmInvalid as exc:
            prefix = f"item {i}: " if isinstance(data, list) else ""
            raise SkmInvalid(prefix + exc.field, exc.message, **exc.params) from None
    return out


# -- the arithmetic -----------------------------------------------------------------------

def round2(value: Fraction | Decimal | float) -> Decimal:
    """Two decimals, half up (how the guideline's tables round), from an exact value."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def nrr(responses: Sequence[Response]) -> dict[str, Fraction]:
    """Per element, the mean of its answers (exact); empty when there are no responses."""
    if not responses:
        return {}
    n = len(responses)
    return {eid: Fraction(sum(r.answers[eid] for r in responses), n) for eid in ELEMENT_IDS}


def ikm_exact(nrr_values: Mapping[str, Fraction]) -> Fraction:
    """25 x the weighted sum of the NRR, each weighted 1/9 (the annex's formula)."""
    return 25 * sum((WEIGHT * nrr_values[eid] for eid in ELEMENT_IDS), Fraction(0))


def ikm(nrr_values: Mapping[str, Fraction]) -> Decimal:
    return round2(ikm_exact(nrr_values))


def mutu(ikm_value: Decimal | float | str) -> str:
    """The quality letter of a two-decimal IKM; raises ValueError outside 25.00-100.00."""
    value = round2(Decimal(str(ikm_value)))
    for letter, low, high, _label in MUTU:
        if low <= value <= high:
            return letter
    raise ValueError(f"IKM {value} is outside 25.00-100.00")


def required_sample(population: int) -> int:
    """The Krejcie-Morgan sample for a yearly population (a population between two rows of the
    table takes the larger row's sample, so the answer is never too small)."""
    if population <= 0:
        return 0
    i = bisect_left(_KM_POPULATIONS, population)
    if i >= len(KREJCIE_MORGAN):
        return KREJCIE_MORGAN[-1][1]
    return min(KREJCIE_MORGAN[i][1], population)


def krejcie_morgan_formula(population: int) -> float:
    """s = X^2 N P(1-P) / (d^2 (N-1) + X^2 P(1-P)), X^2 = 3.841, P = 0.5, d = 0.05: what the
    table was computed from (the test checks the two agree)."""
    chi2, p, d = 3.841, 0.5, 0.05
    return chi2 * population * p * (1 - p) / (d * d * (population - 1) + chi2 * p * (1 - p))


# -- the report ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Report:
    """What a unit publishes for a period; ``to_json()`` is the ``--json`` shape."""

    date_from: date | None
    date_to: date | None
    respondents: int
    nrr: dict[str, Decimal]  # two decimals (the exact value is behind ikm)
    ikm: Decimal | None
    mutu: str | None
    weakest: tuple[str, ...]
    profile: dict[str, dict[str, int]]
    suggestions: tuple[tuple[date, str], ...]
    population: int
    sample_needed: int
    first_day: date | None = None
    last_day: date | None = None
    answer_counts: dict[str, dict[int, int]] = field(default_factory=dict)

    @property
    def sample_enough(self) -> bool:
        return self.respondents >= self.sample_needed and self.respondents > 0

    @property
    def suggestion_counts(self) -> list[tuple[str, int]]:
        """Each suggestion once with how many gave it, most frequent first (see
        :func:`group_suggestions`): what the PDF, ``kiosk skm report`` and ``--json`` show."""
        return group_suggestions(t for _d, t in self.suggestions)

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "respondents": self.respondents,
            "nrr": {k: float(v) for k, v in self.nrr.items()},
            "ikm": float(self.ikm) if self.ikm is not None else None,
            "mutu": self.mutu,
            "mutu_label": tr("id", MUTU_LABELS[self.mutu]) if self.mutu else None,
            "weakest": list(self.weakest),
            "profile": self.profile,
            "answers": {k: {str(a): n for a, n in v.items()} for k, v in self.answer_counts.items()},
            "suggestions": [{"date": d.isoformat(), "text": t} for d, t in self.suggestions],
            "suggestion_counts": [{"text": t, "count": n} for t, n in self.suggestion_counts],
            "population": self.population,
            "sample_needed": self.sample_needed,
            "sample_enough": self.sample_enough,
            "first_day": self.first_day.isoformat() if self.first_day else None,
            "last_day": self.last_day.isoformat() if self.last_day else None,
        }


def group_suggestions(texts: Iterable[str]) -> list[tuple[str, int]]:
    """The same words from many respondents once, with a count, most frequent first; equal
    counts keep the order given (the report's: by day).  Twenty-two people asking for a
    cleaner toilet is one line that says 22, not twenty-two lines that hide the other wishes."""
    return Counter(texts).most_common()


def suggestion_text(text: str, count: int) -> str:
    """``Toilet kotor (22x)``: the count only where more than one gave it."""
    return f"{text} ({count}x)" if count > 1 else text


def in_period(responses: Iterable[Response], date_from: date | None, date_to: date | None) -> list[Response]:
    """Responses whose day lies in [date_from, date_to], both ends included."""
    return [r for r in responses
            if (date_from is None or r.day >= date_from) and (date_to is None or r.day <= date_to)]


def build_report(responses: Iterable[Response], *, date_from: date | None = None, date_to: date | None = None,
                 population: int = 0, weakest_n: int = 3) -> Report:
    chosen = in_period(responses, date_from, date_to)
    exact = nrr(chosen)
    rounded = {k: round2(v) for k, v in exact.items()}
    index = ikm(exact) if chosen else None
    weakest = tuple(sorted(exact, key=lambda k: (exact[k], k))[:weakest_n]) if chosen else ()
    profile = {f: dict(Counter(getattr(r, f) or "-" for r in chosen)) for f in PROFILE_FIELDS}
    counts = {eid: {a: sum(1 for r in chosen if r.answers[eid] == a) for a in (1, 2, 3, 4)} for eid in ELEMENT_IDS}
    suggestions = tuple(sorted(((r.day, r.suggestion) for r in chosen if r.suggestion), key=lambda t: t[0]))
    days = sorted(r.day for r in chosen)
    return Report(
        date_from=date_from, date_to=date_to, respondents=len(chosen), nrr=rounded, ikm=index,
        mutu=mutu(index) if index is not None else None, weakest=weakest, profile=profile,
        suggestions=suggestions, population=population, sample_needed=required_sample(population),
        first_day=days[0] if days else None, last_day=days[-1] if days else None, answer_counts=counts,
    )


def nrr_interval(index_1_to_4: float) -> str:
    """The annex's conversion table from the 1-4 index (nilai interval) to mutu:
    1.00-2.5996 D, 2.60-3.064 C, 3.0644-3.532 B, 3.5324-4.00 A (the same bands as 25 x)."""
    return mutu(round2(Decimal(str(index_1_to_4)) * 25))


__all__ = [
    "ELEMENTS", "ELEMENT_IDS", "ELEMENT_BY_ID", "PROFILE_CHOICES", "PROFILE_FIELDS", "PROFILE_LABELS",
    "AGE_BANDS", "MUTU", "MUTU_LABELS", "KREJCIE_MORGAN", "SkmInvalid", "Response", "Report",
    "parse_response", "parse_many", "nrr", "ikm", "ikm_exact", "mutu", "round2", "required_sample",
    "krejcie_morgan_formula", "build_report", "in_period", "question", "answer_words", "element_name",
    "check_unit_questions", "clean_suggestion", "age_band", "group_suggestions", "suggestion_text",
]
