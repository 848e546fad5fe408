"""The applicant back from the gateway's page: the portal asks the gateway at once (actions.refresh_payment)."""
import pytest

from applications import actions
from applications.models import Application
from applications.tests.journeys import create, deliver_callbacks, fill, open_kinds, payer
from integrations.models import Payment


@pytest.mark.django_db
def test_refresh_reports_a_finished_payment_once_and_the_late_callback_changes_nothing(world):
    api = world.api["person"]
    app = fill(api, create(api, "S1", "issue"), "S1", "issue")
    assert open_kinds(app) == ["pay"]
    payment = api.post(f"/applications/{app['id']}/payment")

    # Not paid yet: nothing changes.
    _, changed = actions.refresh_payment(app["id"], world.person)
    assert not changed and open_kinds(api.get(f"/applications/{app['id']}")) == ["pay"]

    payer(payment, "pay")
    _, changed = actions.refresh_payment(app["id"], world.person)
    assert changed
    assert open_kinds(api.get(f"/applications/{app['id']}")) == ["choose_certificate"]
    row = Payment.objects.get(reference=payment["reference"])
    assert (row.status, row.reported_by) == (Payment.Status.PAID, "return")

    assert [r["status"] for r in deliver_callbacks(payment)] == ["no_change"]
    assert actions.refresh_payment(app["id"], world.person)[1] is False


@pytest.mark.django_db
def test_refresh_is_the_applicants_own(world):
    api = world.api["person"]
    app = fill(api, create(api, "S1", "issue"), "S1", "issue")
    with pytest.raises(actions.engine.NotAllowed):
        actions.refresh_payment(app["id"], world.company_head)
    assert Application.objects.get(pk=app["id"]).status == "draft"
