"""The public registers' API takes any query string without a server error (found by schemathesis: an offset past
a 64-bit integer was a 500): out-of-range paging is refused with 422, and nothing changes."""
import pytest


@pytest.mark.parametrize("path", ["/api/v1/spectrum/assignments", "/api/v1/spectrum/devices"])
@pytest.mark.parametrize("query", ["limit=-9010", "offset=10000000000000000001", "limit=0", "offset=-1",
                                   "limit=100000"])
def test_paging_out_of_range_is_refused_not_a_500(client, db, path, query):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 422, response.content


@pytest.mark.parametrize("path", ["/api/v1/spectrum/assignments", "/api/v1/spectrum/devices"])
def test_paging_within_range_answers(client, db, path):
    assert client.get(f"{path}?limit=5&offset=0").status_code == 200
