"""Whatever a citizen types (any Unicode, emoji, Javanese script, 4,000 characters) reaches the
server as the kiosk stored it: validation, outbox and sync never lose or mangle it."""
from __future__ import annotations

import unicodedata
from urllib.parse import parse_qsl

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosktest import sample_attributes, simple_services, write_config
from kiosk import config as config_mod
from kiosk.core import KioskCore, SubmitRefused
from kiosk.model import Draft, Reporter

texts = st.one_of(
    st.text(min_size=1, max_size=300),
    st.text(alphabet=st.characters(min_codepoint=0xA980, max_codepoint=0xA9DF), min_size=1, max_size=200),  # Javanese
    st.text(alphabet=st.sampled_from("🙏😀🧺🐟🥬🚰⚡️👵🏽‍♀️ "), min_size=1, max_size=200),
    st.text(min_size=3990, max_size=4000),
)


@pytest.fixture(scope="module")
def core(tmp_path_factory):
    from devserver import Simulator
    from kiosk.catalog import Catalog
    import json

    tmp = tmp_path_factory.mktemp("roundtrip")
    cat = tmp / "catalog.json"
    cat.write_text(json.dumps(Catalog.open(config_mod.from_dict({"kiosk": {"data_dir": str(tmp / "c")}})).to_open311()),
                   encoding="utf-8")
    with Simulator(db_path=tmp / "sim.sqlite3", catalog=cat) as sim:
        cfg = config_mod.load(write_config(tmp / "k.toml", tmp / "data", sim.base_url))
        core = KioskCore(cfg, start_sync=False)
        core.sim = sim
        yield core
        core.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(description=texts, name=st.text(max_size=60))
def test_any_text_round_trips_to_the_server(core, description, name):
    service = simple_services(core.cfg)[0]
    draft = Draft(service_code=service.code, description=description, attributes=sample_attributes(service),
                  reporter=Reporter(name=name or "Sri", phone="081234567890"))
    try:
        done = core.submit(draft)
    except SubmitRefused as refused:
        # Refusal is fine only for text that has nothing left once cleaned, or a bad name,
        # and it must name the field in a message a citizen can read.
        assert all(e.field in ("description", "reporter.name") and e.text("id") for e in refused.errors)
        return
    item = core.outbox.get(done.tracking_code)
    stored = dict(parse_qsl(item.body, keep_blank_values=True))
    # what is stored is the cleaned text: NFC, no control characters, at most 4,000 characters
    assert stored["description"] == unicodedata.normalize("NFC", stored["description"])
    assert len(stored["description"]) <= 4000
    assert not any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in stored["description"])
    core.worker.drain()
    on_server = [r for r in core.sim.requests() if _field(r, "attribute[kiosk_ref]") == done.tracking_code]
    assert len(on_server) == 1
    assert _field(on_server[0], "description") == stored["description"]


def _field(req: dict, key: str) -> str | None:
    raw = req.get("raw_body") or req.get("body")
    if isinstance(raw, str):
        return dict(parse_qsl(raw, keep_blank_values=True)).get(key)
    v = (req.get("fields") or {}).get(key)
    return v[0] if isinstance(v, list) else v
