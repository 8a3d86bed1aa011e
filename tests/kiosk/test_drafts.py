"""`kiosk enqueue` JSON: shape errors name the item and the field."""
import pytest

from kiosk.drafts import DraftFormatError, drafts_from_json


def test_reads_the_documented_shape():
    [d] = drafts_from_json({"service_code": "X", "description": "d", "attributes": {"a": "1", "b": ["x", "y"]},
                            "reporter": {"name": "N", "phone": "0812", "email": "e@x.id", "anonymous": False},
                            "location": {"address_string": "Pasar", "lat": -8.4, "long": 114.2}, "language": "jv"})
    assert d.attributes == {"a": "1", "b": ["x", "y"]} and d.language == "jv"
    assert d.location.lat == -8.4 and d.reporter.email == "e@x.id"


@pytest.mark.parametrize("bad, named", [
    ([{"service_code": "X"}, {"description": "no code"}], "item 1: service_code"),
    ({"service_code": "X", "location": {"lat": "south"}}, "location.lat"),
    ({"service_code": "X", "reporter": "me"}, "reporter"),
    ({"service_code": "X", "attributes": {"a": {"b": 1}}}, "attributes.a"),
    ({"service_code": "X", "language": "fr"}, "language"),
    ({"service_code": "X", "kind": "praise"}, "kind"),
])
def test_shape_errors_name_the_field(bad, named):
    with pytest.raises(DraftFormatError) as err:
        drafts_from_json(bad)
    assert named in str(err.value)
