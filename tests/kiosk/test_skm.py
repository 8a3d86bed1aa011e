"""The survey's arithmetic and checks (PermenPAN-RB 14/2017): the formula on a worked example
built the annex's way, on random data, the mutu boundaries, the Krejcie-Morgan table, the
refusals naming the element, and the period filter."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk import skm

TODAY = date(2026, 12, 2)


def resp(answers, day=TODAY, **profile):
    return skm.Response(answers=dict(zip(skm.ELEMENT_IDS, answers)), day=day, **profile)


def json_resp(answers, **extra):
    return {"answers": dict(zip(skm.ELEMENT_IDS, answers)), **extra}


# -- the worked example -----------------------------------------------------------------------
# The annex's procedure, step by step: (1) add up each element's answers over the filled
# questionnaires, (2) NRR per element = that sum / number of questionnaires, (3) NRR tertimbang
# = NRR x bobot 1/9, (4) IKM unit = sum of the weighted NRR, (5) converted: IKM x 25, (6) mutu
# from the conversion table.  The annex's own numbers (bobot 1/9 for nine elements, the
# conversion table) are tested below; these ten questionnaires are ours, computed by hand.
WORKED = [
    # u1 u2 u3 u4 u5 u6 u7 u8 u9
    (3, 3, 3, 4, 3, 3, 4, 3, 3),
    (4, 3, 2, 4, 3, 3, 3, 2, 3),
    (3, 3, 3, 4, 3, 3, 4, 3, 3),
    (3, 2, 3, 3, 3, 3, 3, 3, 3),
    (3, 3, 2, 4, 3, 4, 4, 2, 2),
    (3, 3, 3, 3, 3, 3, 3, 3, 3),
    (4, 4, 3, 4, 4, 3, 4, 3, 3),
    (3, 3, 3, 3, 2, 3, 3, 3, 3),
    (2, 3, 3, 3, 3, 3, 3, 2, 3),
    (3, 3, 3, 3, 3, 3, 2, 3, 3),
]
# by hand: column sums 31 30 28 35 30 31 33 27 29 -> NRR 3.1 3.0 2.8 3.5 3.0 3.1 3.3 2.7 2.9
# sum of NRR = 27.4; x 1/9 = 3.04444...; x 25 = 76.1111... -> 76.11 -> C (65.00-76.60)
WORKED_NRR = {"u1": "3.10", "u2": "3.00", "u3": "2.80", "u4": "3.50", "u5": "3.00",
              "u6": "3.10", "u7": "3.30", "u8": "2.70", "u9": "2.90"}


def test_worked_example_step_by_step():
    responses = [resp(a) for a in WORKED]
    nrr = skm.nrr(responses)
    assert {k: str(skm.round2(v)) for k, v in nrr.items()} == WORKED_NRR
    weighted = [nrr[e] * Fraction(1, 9) for e in skm.ELEMENT_IDS]  # NRR tertimbang
    assert sum(weighted) == Fraction(274, 90)
    assert skm.ikm(nrr) == Decimal("76.11")
    assert skm.mutu(skm.ikm(nrr)) == "C"
    report = skm.build_report(responses, population=100)
    assert report.to_json()["ikm"] == 76.11 and report.to_json()["mutu"] == "C"
    assert report.weakest == ("u8", "u3", "u9")
    assert report.sample_needed == 80 and not report.sample_enough


def test_weight_one_ninth_is_exact_not_the_rounded_0_11():
    """Spreadsheets that type the annex's rounded bobot 0,111 land lower; the regulation's
    weight is 1/9 (= the plain mean of the nine NRR), which is what we compute."""
    nrr = skm.nrr([resp(a) for a in WORKED])
    with_0111 = skm.round2(25 * sum(float(v) * 0.111 for v in nrr.values()))
    assert with_0111 == Decimal("76.04") != skm.ikm(nrr)


# The annex's own conversion table: nilai persepsi, nilai interval (NI, the unit's IKM before
# x 25), nilai interval konversi (NIK = NI x 25), mutu.  Its rows are worked numbers of the
# guideline itself: each NI bound times 25 must give the NIK bound, and that NIK its letter.
ANNEX_TABLE = [
    (1, ("1.00", "2.5996"), ("25.00", "64.99"), "D"),
    (2, ("2.60", "3.064"), ("65.00", "76.60"), "C"),
    (3, ("3.0644", "3.532"), ("76.61", "88.30"), "B"),
    (4, ("3.5324", "4.00"), ("88.31", "100.00"), "A"),
]


@pytest.mark.parametrize("persepsi, ni, nik, letter", ANNEX_TABLE)
def test_annex_conversion_rows_are_our_formula(persepsi, ni, nik, letter):
    for bound_ni, bound_nik in zip(ni, nik):
        # the unit's IKM before conversion is the mean of the nine NRR: nine equal NRR give it
        nrr = {e: Fraction(bound_ni) for e in skm.ELEMENT_IDS}
        assert skm.ikm(nrr) == Decimal(bound_nik)
        assert skm.mutu(skm.ikm(nrr)) == letter
    # (the "nilai persepsi" 1-4 only numbers the rows: nine answers of 2 give 50.00, a D)


def test_annex_interval_table_matches_the_converted_bands():
    # nilai interval (1-4) of the annex: 1.00-2.5996 D, 2.60-3.064 C, 3.0644-3.532 B, 3.5324-4.00 A
    assert [skm.nrr_interval(x) for x in (1.0, 2.5996, 2.60, 3.064, 3.0644, 3.532, 3.5324, 4.0)] == \
        ["D", "D", "C", "C", "B", "B", "A", "A"]


@pytest.mark.parametrize("value, letter", [
    ("25.00", "D"), ("64.99", "D"), ("65.00", "C"), ("76.60", "C"), ("76.61", "B"),
    ("88.30", "B"), ("88.31", "A"), ("100.00", "A"),
])
def test_mutu_boundaries(value, letter):
    assert skm.mutu(Decimal(value)) == letter
    assert skm.mutu(value) == letter


def test_mutu_outside_the_scale_is_an_error():
    for v in ("24.99", "100.01"):
        with pytest.raises(ValueError):
            skm.mutu(v)


def test_ikm_rounds_half_up_on_the_exact_value():
    # 76.605 exactly (a float would make it 76.60499...): 25 x mean = 76.605 <=> sum of NRR = 27.5778
    assert skm.round2(Fraction(76605, 1000)) == Decimal("76.61")
    assert skm.mutu(skm.round2(Fraction(76605, 1000))) == "B"


answers_st = st.lists(st.tuples(*[st.integers(1, 4)] * 9), min_size=1, max_size=60)


@settings(max_examples=200, deadline=None)
@given(answers_st)
def test_random_data_formula(rows):
    responses = [resp(a) for a in rows]
    nrr = skm.nrr(responses)
    for i, e in enumerate(skm.ELEMENT_IDS):
        assert nrr[e] == Fraction(sum(r[i] for r in rows), len(rows))
        assert 1 <= nrr[e] <= 4
    total = sum(sum(r) for r in rows)
    exact = Fraction(25 * total, 9 * len(rows))  # 25 x the mean of all answers
    assert skm.ikm_exact(nrr) == exact
    value = skm.ikm(nrr)
    assert Decimal("25.00") <= value <= Decimal("100.00")
    assert abs(value - Decimal(exact.numerator) / Decimal(exact.denominator)) <= Decimal("0.005")
    letter = skm.mutu(value)
    low, high = next((lo, hi) for ltr, lo, hi, _ in skm.MUTU if ltr == letter)
    assert low <= value <= high


@settings(max_examples=100, deadline=None)
@given(answers_st, st.integers(0, 60), st.integers(0, 60))
def test_random_period_filter(rows, a, b):
    start, end = sorted((TODAY - timedelta(days=a), TODAY - timedelta(days=b)))
    responses = [resp(r, day=TODAY - timedelta(days=i % 61)) for i, r in enumerate(rows)]
    chosen = skm.in_period(responses, start, end)
    assert all(start <= r.day <= end for r in chosen)
    assert len(chosen) == sum(1 for r in responses if start <= r.day <= end)
    assert skm.build_report(responses, date_from=start, date_to=end).respondents == len(chosen)


def test_period_filter_includes_both_ends():
    days = [date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 1), date(2025, 12, 31)]
    responses = [resp([4] * 9, day=d) for d in days]
    jan = skm.build_report(responses, date_from=date(2026, 1, 1), date_to=date(2026, 1, 31))
    assert jan.respondents == 2
    assert skm.build_report(responses, date_from=date(2026, 2, 1)).respondents == 1
    assert skm.build_report(responses, date_to=date(2025, 12, 31)).respondents == 1
    empty = skm.build_report(responses, date_from=date(2027, 1, 1))
    assert (empty.respondents, empty.ikm, empty.mutu, empty.to_json()["nrr"]) == (0, None, None, {})


@pytest.mark.parametrize("population, sample", [(10, 10), (100, 80), (500, 217), (1000, 278), (105, 86),
                                                (1_000_000, 384), (5_000_000, 384), (3, 3), (0, 0)])
def test_krejcie_morgan_table(population, sample):
    assert skm.required_sample(population) == sample


def test_krejcie_morgan_table_is_the_formula():
    for n, s in skm.KREJCIE_MORGAN:
        assert abs(skm.krejcie_morgan_formula(n) - s) <= 1.0, (n, s)


# -- refusals name the element -------------------------------------------------------------------

@pytest.mark.parametrize("bad, field", [
    (0, "answers.u5"), (5, "answers.u5"), ("3", "answers.u5"), (2.5, "answers.u5"), (True, "answers.u5"),
])
def test_answer_outside_1_to_4_is_refused_naming_the_element(bad, field):
    data = json_resp([3] * 9)
    data["answers"]["u5"] = bad
    with pytest.raises(skm.SkmInvalid) as err:
        skm.parse_response(data, today=TODAY)
    assert err.value.field == field
    assert err.value.text("en").startswith("answers.u5:")


def test_missing_element_is_refused_naming_it():
    data = json_resp([3] * 9)
    del data["answers"]["u8"]
    with pytest.raises(skm.SkmInvalid) as err:
        skm.parse_response(data, today=TODAY)
    assert err.value.field == "answers.u8"
    with pytest.raises(skm.SkmInvalid) as err:
        skm.parse_response({"answers": {**data["answers"], "u8": 3, "u10": 3}}, today=TODAY)
    assert err.value.field == "answers.u10"


def test_array_refuses_all_and_names_the_item():
    with pytest.raises(skm.SkmInvalid) as err:
        skm.parse_many([json_resp([3] * 9), json_resp([3] * 8 + [7])], today=TODAY)
    assert err.value.field == "item 1: answers.u9"


@pytest.mark.parametrize("extra, field", [
    ({"respondent": {"name": "Siti"}}, "respondent.name"),
    ({"respondent": {"phone": "0812"}}, "respondent.phone"),
    ({"tracking_code": "T1M-ZQAD-7SWP"}, "tracking_code"),
    ({"nik": "3510"}, "nik"),
    ({"respondent": {"gender": "X"}}, "respondent.gender"),
    ({"respondent": {"age": 7}}, "respondent.age"),
    ({"respondent": {"education": "phd"}}, "respondent.education"),
    ({"language": "fr"}, "language"),
    ({"date": "2026-12-03"}, "date"),
])
def test_identifying_or_unknown_fields_are_refused(extra, field):
    with pytest.raises(skm.SkmInvalid) as err:
        skm.parse_response({**json_resp([3] * 9), **extra}, today=TODAY)
    assert err.value.field == field


def test_profile_is_banded_and_suggestion_scrubbed():
    r = skm.parse_response({**json_resp([3] * 9), "respondent": {"age": 40, "gender": "p", "education": "SMA",
                                                                 "occupation": "pedagang"},
                            "suggestion": "Hubungi saya 0812-3456-7890 atau siti@example.com, NIK 3510123456789012\x07"},
                           today=TODAY)
    assert (r.age, r.gender, r.education, r.occupation) == ("35-44", "P", "sma", "pedagang")
    assert "0812" not in r.suggestion and "@" not in r.suggestion and "3510" not in r.suggestion
    assert r.suggestion.startswith("Hubungi saya …")
    assert len(skm.clean_suggestion("x" * 2000)) == skm.SUGGESTION_MAX


def test_unit_wording_per_language_falls_back_to_the_default():
    unit = {"u1": {"id": "Apakah syarat mengurus izin lapak jelas?"}, "u9": "Toilet dan tempat duduk?"}
    assert skm.question("u1", "id", unit) == "Apakah syarat mengurus izin lapak jelas?"
    assert skm.question("u1", "en", unit) == skm.question("u1", "en")  # the default, translated
    assert skm.question("u9", "id", unit) == "Toilet dan tempat duduk?"
    assert skm.check_unit_questions(unit) is None
    assert "u10" in skm.check_unit_questions({"u10": "x"})
    assert "fr" in skm.check_unit_questions({"u1": {"fr": "x"}})


def test_repeated_suggestions_are_one_line_with_a_count_most_asked_first():
    texts = ["Antrean lama", "Toilet kotor", "Antrean lama", "Tambah kursi", "Toilet kotor", "Toilet kotor"]
    grouped = skm.group_suggestions(texts)
    assert grouped == [("Toilet kotor", 3), ("Antrean lama", 2), ("Tambah kursi", 1)]
    assert [skm.suggestion_text(t, n) for t, n in grouped] == ["Toilet kotor (3x)", "Antrean lama (2x)", "Tambah kursi"]
    assert skm.group_suggestions(["B", "A"]) == [("B", 1), ("A", 1)], "equal counts keep the order given"
