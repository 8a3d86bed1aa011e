"""The questions of a service, as the citizen is asked them (no Qt: testable on its own).

``steps_for(service, kind)`` turns a catalog service into the ordered ``Step`` list the flow
walks: what happened, the service's own questions, the NIK when needed, stall and contact
(name and phone on one screen).
Each step knows how it is typed through the core's ``kiosk.inputs.input_spec`` (one rule in
one place for limits and keypads).
"""
from __future__ import annotations

from dataclasses import dataclass

from kiosk.i18n import N_, tr
from kiosk.inputs import InputSpec, input_spec
from kiosk.model import Attribute, Service

# How each datatype / input hint is asked.
_DATATYPE_EDITOR = {
    "string": "string",
    "text": "text",
    "number": "number",
    "datetime": "datetime",
    "singlevaluelist": "single",
    "multivaluelist": "multi",
}
_HINT_EDITOR = {"digits": "number", "phone": "phone", "nik": "nik", "stall": "stall"}


@dataclass(frozen=True)
class Step:
    """One question of the form.

    ``field`` is the dotted path the core's ``FieldError.field`` uses; ``editor`` is the
    kind of input the screen builds (text, string, number, datetime, single, multi,
    stall, name, phone, nik, and ``contact``: name and phone together, see ``parts``).
    """

    field: str
    editor: str
    attribute: Attribute | None = None
    question_msgid: str = ""
    hint_msgid: str = ""
    icon: str = "edit"
    # A screen that asks several questions at once (the contact screen: name and phone):
    # each part keeps its own field, editor and limits; errors and the review name the part.
    parts: tuple["Step", ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields this screen fills (its parts', or its own)."""
        return tuple(p.field for p in self.parts) if self.parts else (self.field,)

    def part(self, field: str) -> "Step | None":
        """The part asking ``field`` (the step itself when it has no parts)."""
        if not self.parts:
            return self if field == self.field else None
        return next((p for p in self.parts if p.field == field), None)

    @property
    def input(self) -> InputSpec:
        """Keypad and limits of this question's answer (from the core)."""
        return input_spec(self.editor)

    @property
    def required(self) -> bool:
        if self.attribute is not None:
            return bool(self.attribute.required)
        return self.field in ("description",)

    def question(self, lang: str) -> str:
        if self.attribute is not None and self.attribute.description:
            return self.attribute.description.get(lang) or self.attribute.code
        return tr(lang, self.question_msgid)

    def hint(self, lang: str) -> str:
        if self.attribute is not None:
            if self.attribute.datatype_description:
                return self.attribute.datatype_description.get(lang)
            return ""
        return tr(lang, self.hint_msgid) if self.hint_msgid else ""

    def options(self, lang: str) -> list[tuple[str, str]]:
        """``(key, label)`` choices of a list question."""
        if self.attribute is None:
            return []
        return [(v.key, v.name.get(lang) or v.key) for v in self.attribute.values]


# The questions every service ends with (the service's own questions come before them).
NIK_STEP = Step("reporter.nik", "nik", question_msgid=N_("Nomor Induk Kependudukan (NIK)"),
                hint_msgid=N_("16 angka, ada di KTP Anda."), icon="idcard")
REPORTER_STEPS = (
    Step("location.stall", "stall", question_msgid=N_("Nomor kios atau los (jika ada)"),
         hint_msgid=N_("Boleh dikosongkan. Tekan Lanjut jika tidak ada."), icon="stall"),
    # Name and phone on one screen (issue #10: fewer screens for a first-timer): the name on
    # the letter keyboard, the phone on the pad; "no name" is one tap and skips both.
    Step("reporter", "contact", question_msgid=N_("Nama dan nomor HP"),
         hint_msgid=N_("Nama tidak dicetak di tanda terima. Anda boleh tidak menyebutkan nama."), icon="user",
         parts=(
             Step("reporter.name", "name", question_msgid=N_("Siapa nama Anda?"), icon="user"),
             Step("reporter.phone", "phone", question_msgid=N_("Nomor HP untuk kabar perkembangan"),
                  hint_msgid=N_("Contoh: 0812 3456 7890. Wajib diisi bila Anda menyebutkan nama."), icon="phone"),
         )),
)
CONTACT_STEP = REPORTER_STEPS[-1]


def steps_for(service: Service, kind: str) -> list[Step]:
    """The questions asked for ``service``: what happened, its own fields, stall, contact."""
    steps = [
        Step(
            "description",
            "text",
            question_msgid=N_("Ceritakan masalahnya dengan singkat")
            if kind == "complaint"
            else N_("Apa yang Anda perlukan?"),
            hint_msgid=N_("Tulis dengan kata-kata Anda sendiri. Contoh: lampu los ikan mati sejak kemarin."),
            icon="edit",
        )
    ]
    has_nik = False
    for attr in sorted(service.attributes, key=lambda a: a.order):
        if not attr.variable:
            continue
        editor = _HINT_EDITOR.get(attr.input_hint) if attr.datatype in ("string", "number") else None
        editor = editor or _DATATYPE_EDITOR.get(attr.datatype, "string")
        has_nik = has_nik or editor == "nik"
        steps.append(Step(f"attributes.{attr.code}", editor, attribute=attr, icon="info"))
    if service.asks_nik and not has_nik:
        steps.append(NIK_STEP)
    steps.extend(REPORTER_STEPS)
    return steps
