"""One history for every request of a person, whatever the channel: a PSC request is followed on the portal
by its applicant (timeline, result, survey), and its result is collected at the PSC — handed over only to the
applicant, once, recorded in the request's history."""
import pytest

from applications.tests.journeys import DOCUMENTS, office_decides, office_until_decision
from applications.tests.test_s2_numbering import psc_intake
from conftest import PERSON
from pscdesk import actions as desk
from workflow.models import Event


@pytest.fixture
def decided(world):
    """A PSC request of the person (IIN only), through the provider's office steps to a signed order."""
    app = psc_intake(world, "allocate", DOCUMENTS[("S2", "allocate")])
    world.api["clerk"].upload(app["id"], "application", is_scan=True)  # the paper application's scan
    app = world.api["clerk"].post(f"/applications/{app['id']}/incoming-registration")
    app = world.api["executor"].post(f"/applications/{app['id']}/put-on-portal")
    app = office_decides(world, office_until_decision(world, app), "approve")
    assert app["status"] == "completed"
    return app


def test_the_applicant_follows_a_psc_request_on_the_portal(world, client):
    app = psc_intake(world, "allocate", DOCUMENTS[("S2", "allocate")])
    client.force_login(world.person)
    # Received at the PSC (its receipt given): it is the person's, in their list, with its page.
    mine = client.get("/portal/requests/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/portal/requests/{app['id']}/" in mine
    page = client.get(f"/portal/requests/{app['id']}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "Receipt issued" in page.content.decode()
    assert world.api["person"].get(f"/applications/{app['id']}")["channel"] == "psc"
    # Another person does not see it.
    assert world.unregistered.iin != PERSON["iin"]
    client.force_login(world.unregistered)
    assert client.get(f"/portal/requests/{app['id']}/").status_code == 404


def test_the_applicant_sees_the_result_and_answers_the_survey(world, decided, client):
    client.force_login(world.person)
    page = client.get(f"/portal/requests/{decided['id']}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    order = next(d for d in decided["documents"] if d["kind"] == "order")
    assert order["number"] in page and ".pdf" in page
    world.api["person"].post(f"/applications/{decided['id']}/survey",
                             {"process_quality": 3, "information_quality": 2}, expect=201)


def test_the_result_is_handed_over_at_the_psc_to_the_applicant_only_once(world, decided, client):
    assert list(desk.ready_for_collection().values_list("pk", flat=True)) == [decided["id"]]
    client.force_login(world.psc)
    page = client.get("/psc/results/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert decided["number"] in page and 'name="iin"' in page
    # Someone else's IIN: refused, nothing recorded.
    from applications.tests.journeys import unknown_iin

    wrong = client.post("/psc/results/", {"application": decided["id"], "iin": unknown_iin()},
                        HTTP_ACCEPT_LANGUAGE="en", follow=True).content.decode()
    assert "is not the applicant" in wrong
    assert not Event.objects.filter(application_id=decided["id"], kind="result_collected").exists()
    done = client.post("/psc/results/", {"application": decided["id"], "iin": PERSON["iin"]},
                       HTTP_ACCEPT_LANGUAGE="en", follow=True).content.decode()
    assert "The result was handed over" in done
    (event,) = Event.objects.filter(application_id=decided["id"], kind="result_collected")
    assert event.actor_id == world.psc.pk
    assert event.data["documents"] == [d["number"] for d in decided["documents"] if d["kind"] == "order"]
    assert not desk.ready_for_collection().exists()
    with pytest.raises(desk.CollectionRefused):
        desk.collect_result(decided["id"], world.psc, iin=PERSON["iin"])
    # The applicant sees it in the request's history.
    client.force_login(world.person)
    assert "Result handed over at the public service centre" in client.get(
        f"/portal/requests/{decided['id']}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


@pytest.mark.parametrize("iin", ["", "12345", "not an iin", None])
def test_a_malformed_iin_is_refused_clearly(world, decided, iin):
    with pytest.raises(desk.NotTheApplicant):
        desk.collect_result(decided["id"], world.psc, iin=iin)


def test_a_portal_request_is_not_collected_at_the_psc(world):
    from applications.tests.journeys import decide, portal_until_registered

    app = decide(world.api["inspection_officer"],
                 portal_until_registered(world, world.api["person"], "S4", "device"))
    assert app["status"] == "completed"
    assert not desk.ready_for_collection().filter(pk=app["id"]).exists()
    with pytest.raises(desk.CollectionRefused):
        desk.collect_result(app["id"], world.psc, iin=PERSON["iin"])
