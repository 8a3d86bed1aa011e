"""Whatever text a citizen types reaches the simulator's store and its status answer unchanged."""
from __future__ import annotations

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# Any Unicode scalar value (no lone surrogates: they cannot be UTF-8 encoded by any client).
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=4000)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(description=TEXT, stall=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40))
def test_any_text_round_trips_through_post_store_and_status(simulator, post, kiosk_body, description, stall):
    response = post(simulator, kiosk_body(description=description, **{"attribute[BLOK]": stall}))
    assert response.status_code == 201, response.text
    request_id = response.json()[0]["service_request_id"]
    stored = simulator.request(request_id)
    assert stored["description"] == description
    assert stored["attributes"]["BLOK"] == stall
    [shown] = requests.get(f"{simulator.base_url}/requests/{request_id}.json").json()
    assert shown["description"] == description
