from django.apps import apps
from django.core.management import call_command

from integrations import pki as demo_pki


def test_demo_officer_keys_are_files_for_the_ncalayer_stand_in_never_rows(world, tmp_path, capsys):
    call_command("issue_demo_signing_keys", "--dir", str(tmp_path), "--password", "pw")
    # The database has no table of keys at all (the seal's and the TSA's keys are files: documents.seal).
    assert not any("key_pem" in {f.name for f in m._meta.get_fields()} for m in apps.get_models())
    files = sorted(p.name for p in tmp_path.glob("*.p12"))
    officers = [world.committee_officer, world.inspection_officer, world.clerk, world.head, world.unit_head,
                world.executor]
    assert files == sorted(f"{u.username}_sign.p12" for u in officers)
    assert f"{world.person.username}_sign.p12" not in files and f"{world.psc.username}_sign.p12" not in files
    cert, key, _ = demo_pki.load_pkcs12(tmp_path / f"{world.inspection_officer.username}_sign.p12", "pw")
    from integrations.signatures import subject_identity

    assert subject_identity(cert) == (world.inspection_officer.iin, world.inspection_officer.provider_unit.bin)
    assert "written: 6" in capsys.readouterr().out
    call_command("issue_demo_signing_keys", "--dir", str(tmp_path), "--password", "pw")
    assert "written: 0" in capsys.readouterr().out.splitlines()[-1]
