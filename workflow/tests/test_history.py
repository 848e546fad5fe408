import pytest
from django.db import DatabaseError, connection, transaction

from applications.tests.journeys import create
from workflow.models import Event


def test_history_rows_cannot_be_changed_or_deleted_even_with_raw_queries(world):
    app = create(world.api["person"], "S1", "issue")
    event = Event.objects.filter(application_id=app["id"]).first()
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(kind="forged")
    with pytest.raises(ValueError):
        event.delete()
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            Event.objects.filter(pk=event.pk).delete()
    assert Event.objects.get(pk=event.pk).kind == event.kind
