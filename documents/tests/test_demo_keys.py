from django.core.management import call_command

from documents.models import SigningKey


def test_demo_signing_keys_for_every_officer_and_psc_operator(world, capsys):
    call_command("issue_demo_signing_keys")
    labels = set(SigningKey.objects.values_list("label", flat=True))
    assert "system-seal" in labels
    assert {f"user:{u.pk}" for u in (world.committee_officer, world.inspection_officer, world.head, world.psc)} <= labels
    assert f"user:{world.person.pk}" not in labels  # applicants sign with their own EDS
    call_command("issue_demo_signing_keys")
    assert "issued: 0" in capsys.readouterr().out.splitlines()[-1]
