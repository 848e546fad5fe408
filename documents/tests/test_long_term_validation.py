"""Validation that lasts (docs/documents.md, ADR 0019): every kind of signed result validates offline — the PDF
and the trust root only, no network at all — with the pyhanko command line (``pyhanko sign adesverify``, a
subprocess) plus the document-timestamp check (``python -m documents.timestamp_check``, a subprocess), at signing
time, at +30 days and at +10 years, given that the renewal job (documents.renewal) has run in between; without
it, it fails; one flipped byte anywhere in what the last timestamp covers makes it fail.

Every clock moves together (time-machine): pyHanko's signing and the renewal job inside the process, the TSA's
genTime (the live server's /tsa/, in this process), the CRLs the PKI publishes at each date (and the project's
CRL endpoint serves), and the command line's own clock (documents.tests.pyhanko_at) besides --validation-time.

The ten years, as a real PKI lives them (ltv.Timeline): the demo root (20 years), its issuing CA (15), a TSA
certificate of 11 years and the officers' and seal's certificates (1–3 years) at signing; at +4 years the root
issues the next issuing CA generation and the TSA's new certificate comes from it. The job runs at the dates it
must: +29 days (the CRLs expire: refresh), +4 years (refresh), +10 years - 1 day (the first timestamp's TSA
certificate expires within the horizon: a new document timestamp). A daily job does the same and more often
(a refresh every five days with 7-day CRLs); these are the runs without which the check at the dates tested
would fail, and the checks in between show it."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils.module_loading import import_string
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from applications.models import ResultDocument
from documents import renewal
from documents.tests import helpers as h
from documents.tests import ltv
from integrations import pki as demo_pki

DAY = dt.timedelta(days=1)


def years(t: dt.datetime, n: int) -> dt.datetime:
    """``n`` calendar years after ``t``."""
    try:
        return t.replace(year=t.year + n)
    except ValueError:  # 29 February
        return t.replace(year=t.year + n, day=28)


MAKERS = {
    "licence": (h.s1_licence, "licence"),
    "order": (h.s2_order, "order"),
    "permit-s3": (h.s3_permit, "permit"),
    "permit-s4": (h.s4_permit, "permit"),
    "refusal": (h.s1_refusal, "refusal"),
    "hearing-notice": (h.s1_refusal, "hearing_notice"),  # the notice before that refusal (the same journey)
    "receipt": (h.psc_receipt, "receipt"),
    "refusal-receipt": (h.psc_refusal_receipt, "refusal_receipt"),
}


def test_every_kind_of_document_is_checked():
    """The kinds below are every kind the system issues: a new kind joins them or this fails."""
    from applications.numbers import DOCUMENT_KINDS

    assert {doc_kind for _make, doc_kind in MAKERS.values()} == DOCUMENT_KINDS


def _inside_a_stream(pdf: bytes) -> int:
    """A byte of the signed original's content, not of its structure: inside the data of the first stream past the
    middle (a byte of a stream's keyword or length makes the file unreadable — it fails, but for another reason
    than the one the check is about)."""
    start = re.compile(rb"[^d]stream\r?\n").search(pdf, len(pdf) // 2)
    assert start is not None
    return start.end() + 8


@pytest.fixture
def pki(tmp_path, live_server):
    """A demo PKI of this test's own (the test moves its CRLs ten years on), published at the live server's
    /pki/crl/, its issuing CA valid fifteen years (ltv.CA_LIFETIME)."""
    made = demo_pki.make_pki(tmp_path / "trust", crl_base_url=f"{live_server.url}/pki/crl/")
    return ltv.with_long_lived_issuing_ca(made)


@pytest.fixture
def demo_seal(pki, tmp_path):
    """The system seal, from this test's PKI (as the session's is from the session's)."""
    from documents.demo_seal import issue_demo_seal

    return issue_demo_seal(tmp_path / "seal", issuer_dir=pki.directory)


@pytest.fixture
def timeline(world, settings, tmp_path):
    """The test's PKI living on (ltv.Timeline), with the built-in TSA's certificate issued now from it."""
    line = ltv.Timeline(world.pki, tmp_path / "tsa")
    settings.ELICENSE_TSA_DIR = str(line.new_tsa(dt.datetime.now(dt.UTC).replace(microsecond=0), line.cas[0]))
    return line


def _stored(number) -> bytes:
    row = ResultDocument.objects.get(number=number)
    with row.pdf.open("rb") as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == row.pdf_sha256
    return data


def _checks(jobs, root, folder):
    """Run the command line for each (kind, label, pdf, at), two at a time."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {(kind, label): pool.submit(ltv.validate, pdf, root, at, folder, f"{kind}-{abs(hash(label))}")
                   for kind, label, pdf, at in jobs}
        return {key: f.result() for key, f in futures.items()}


def test_every_kind_validates_offline_at_signing_at_30_days_and_at_10_years_after_renewal(world, settings, tmp_path,
                                                                                          timeline):
    started = time.perf_counter()
    t0 = dt.datetime.now(dt.UTC).replace(microsecond=0)
    root = world.pki.root_pem_path
    folder = tmp_path / "checks"
    folder.mkdir()

    numbers = {}
    journeys = {}  # one journey per maker: the refusal's also issued its hearing notice
    for kind, (make, doc_kind) in MAKERS.items():
        if make not in journeys:
            journeys[make] = make(world)
        numbers[kind] = h.document_of(journeys[make], doc_kind)["number"]
    original = {kind: _stored(n) for kind, n in numbers.items()}
    made = time.perf_counter()
    print(f"documents made in {made - started:.1f} s")

    results: dict[tuple[str, str], ltv.Check] = {}
    expected: dict[tuple[str, str], bool] = {}

    def check(label, at, passes, pdfs):
        began = time.perf_counter()
        results.update(_checks([(kind, label, pdfs[kind], at) for kind in MAKERS], root, folder))
        expected.update({(kind, label): passes for kind in MAKERS})
        print(f"{label}: {time.perf_counter() - began:.1f} s")

    check("signed, checked at signing", t0 + dt.timedelta(minutes=1), True, original)
    check("no renewal, checked at +30 d", t0 + 30 * DAY, False, original)

    runs = {}

    def renew_at(at, expect_action):
        with time_machine.travel(at, tick=True):
            began = time.perf_counter()
            report = renewal.renew_all()
            runs[at] = (report, time.perf_counter() - began)
            print(f"renewal at +{(at - t0).days} d: {report} in {runs[at][1]:.1f} s")
        actions = {o.number: (o.action, o.done, o.problem) for o in report.outcomes}
        assert all(actions[n] == (expect_action, True, "") for n in numbers.values()), actions
        return report

    # +29 days: the CRLs the documents hold expire in two days — refresh.
    with time_machine.travel(t0 + 29 * DAY, tick=True):
        timeline.publish_crls(dt.datetime.now(dt.UTC))
    renew_at(t0 + 29 * DAY, renewal.REFRESH)
    after_30 = {kind: _stored(n) for kind, n in numbers.items()}
    check("renewed at +29 d, checked at +30 d", t0 + 30 * DAY, True, after_30)

    # +4 years: the root's next issuing CA generation; the TSA's new certificate is from it. The job refreshes.
    at = years(t0, 4)
    with time_machine.travel(at, tick=True):
        timeline.new_issuing_ca(at)
        settings.ELICENSE_TSA_DIR = str(timeline.new_tsa(at))
        timeline.publish_crls(at)
    renew_at(at, renewal.REFRESH)
    after_4y = {kind: _stored(n) for kind, n in numbers.items()}
    ten_years = years(t0, 10)
    check("renewed until +4 y, checked at +10 y", ten_years, False, after_4y)
    # +10 years - 1 day: the first timestamp's TSA certificate (11 years) expires within the horizon (two years
    # here: ELICENSE_RENEW_TIMESTAMP_BEFORE_DAYS) — a new document timestamp, by the TSA's certificate of +4 years.
    settings.ELICENSE_RENEW_TIMESTAMP_BEFORE_DAYS = 730
    at = ten_years - DAY
    with time_machine.travel(at, tick=True):
        published = timeline.publish_crls(at)
    assert published == ["root", "issuing", "issuing-2"]
    renew_at(at, renewal.TIMESTAMP)
    final = {kind: _stored(n) for kind, n in numbers.items()}
    check("renewed until +10 y - 1 d, checked at +10 y", ten_years, True, final)

    # One flipped byte: in the signed original, in the first renewal (what only the document timestamps cover: the
    # pyhanko command line does not see it, the timestamp check does); hypothesis draws more places below.
    flips = []
    for kind in MAKERS:
        for where, position in (("original", _inside_a_stream(original[kind])), ("first renewal", len(original[kind]) + 40)):
            flips.append((kind, f"byte flipped ({where}), checked at +10 y", ltv.flipped(final[kind], position),
                          ten_years))
    results.update(_checks(flips, root, folder))
    expected.update({(kind, label): False for kind, label, _pdf, _at in flips})
    checked = time.perf_counter()

    table = "\n".join(f"{kind:16} {label:48} {results[(kind, label)]}  {results[(kind, label)].seconds:.1f} s"
                      for kind, label in expected)
    print(table)
    print(f"documents made in {made - started:.1f} s; renewal runs: "
          + ", ".join(f"{(a - t0).days} d: {r} ({s:.1f} s)" for a, (r, s) in runs.items())
          + f"; checks in {checked - made:.1f} s (incl. renewals)")
    wrong = [f"{kind} / {label}: expected {'PASS' if want else 'FAIL'}, got {results[(kind, label)]}"
             for (kind, label), want in expected.items() if results[(kind, label)].passed != want]
    assert not wrong, "\n".join(wrong) + "\n" + table
    # What failed failed for the reason it should: without renewal the signature is intact but no longer trusted
    # (its timestamps intact); a flipped byte breaks the signature (original) or a document timestamp.
    for kind in MAKERS:
        for label in ("no renewal, checked at +30 d", "renewed until +4 y, checked at +10 y"):
            assert ":INTACT:UNTRUSTED," in results[(kind, label)].summary, results[(kind, label)]
            assert results[(kind, label)].timestamps_returncode == 0, results[(kind, label)]
        assert results[(kind, "byte flipped (original), checked at +10 y")].summary.endswith("INVALID")
        assert "BROKEN" in results[(kind, "byte flipped (first renewal), checked at +10 y")].timestamps

    # Each renewal appended to the file (what was handed out before is a prefix), the stored hash follows it, and
    # the renewal history (the audit log) keeps every earlier hash, the signed original's last.
    for kind, number in numbers.items():
        assert final[kind].startswith(after_4y[kind]) and after_4y[kind].startswith(after_30[kind])
        assert after_30[kind].startswith(original[kind])
        row = ResultDocument.objects.get(number=number)
        hashes = renewal.known_hashes(row)
        assert hashes[0] == hashlib.sha256(final[kind]).hexdigest() == row.pdf_sha256
        assert hashes[-1] == hashlib.sha256(original[kind]).hexdigest() and len(hashes) == 4
        assert [e["renewal"] for e in renewal.history(row)] == ["refresh", "refresh", "timestamp"]
        print(kind, "renewals:", ", ".join(f"{e['renewal']} +{e['size_after'] - e['size_before']} B"
                                           for e in renewal.history(row)), f"(signed: {len(original[kind])} B)")
        facts = renewal.inspect(final[kind])
        assert facts.timestamps == 2  # the signing's, +10 y - 1 d

    # The verification page states the hash of the file as served now.
    licence = numbers["licence"]
    public = json.loads(Client().get(f"/verify/{licence}.json").content)
    assert public["document_sha256"] == hashlib.sha256(final["licence"]).hexdigest()

    # Anywhere in what the last timestamp covers (hypothesis draws the places): a flipped byte fails the check.
    ranges = ltv.signed_ranges(final["licence"])

    @hsettings(max_examples=4, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(ranges).flatmap(lambda r: st.integers(r[0], r[1] - 1)))
    def any_flip_fails(position):
        result = ltv.validate(ltv.flipped(final["licence"], position), root, ten_years, folder, f"flip-{position}")
        assert not result.passed, (position, result)

    any_flip_fails()
    assert ltv.validate(final["licence"], root, ten_years, folder, "intact").passed


def test_the_job_is_idempotent_plans_without_changing_and_one_failure_stops_no_other(world, timeline, settings,
                                                                                      capsys):
    t0 = dt.datetime.now(dt.UTC).replace(microsecond=0)
    good = h.document_of(h.psc_receipt(world), "receipt")["number"]
    bad = h.document_of(h.psc_refusal_receipt(world), "refusal_receipt")["number"]
    before = {n: ResultDocument.objects.get(number=n).pdf_sha256 for n in (good, bad)}
    signed = ResultDocument.objects.exclude(pdf_sha256="").count()  # the PSC's refusal came with its own

    # Nothing is due at signing time.
    call_command("renew_validation")
    out = capsys.readouterr().out
    assert f"{signed} signed documents: 0 renewed, 0 due and not renewed (dry run), 0 failed" in out, out

    later = t0 + 6 * DAY  # the CRLs (7 days) expire within ELICENSE_RENEW_BEFORE_DAYS (2)
    # Planning ahead: what will be due then (--at), nothing changed.
    call_command("renew_validation", "--dry-run", "--at", later.isoformat())
    out = capsys.readouterr().out
    assert f"{good}: due (refresh)" in out and f"0 renewed, {signed} due" in out, out
    with pytest.raises(Exception, match="not an ISO 8601 time"):
        call_command("renew_validation", "--at", "next tuesday")
    with time_machine.travel(later, tick=True):
        timeline.publish_crls(later)
        call_command("renew_validation", "--dry-run")
        out = capsys.readouterr().out
        assert f"{good}: due (refresh)" in out and f"0 renewed, {signed} due" in out, out
        assert {n: ResultDocument.objects.get(number=n).pdf_sha256 for n in (good, bad)} == before

        # One document's stored file is damaged: it fails, the other is renewed; the command says so and fails.
        row = ResultDocument.objects.get(number=bad)
        with row.pdf.open("rb") as handle:
            data = handle.read()
        row.pdf.storage.delete(row.pdf.name)
        row.pdf.storage.save(row.pdf.name, __import__("io").BytesIO(data[:-1] + b"X"))
        with pytest.raises(Exception, match="1 document"):
            call_command("renew_validation")
        out = capsys.readouterr().out
        assert f"{bad}: FAILED" in out and "does not have the recorded SHA-256" in out and f"{signed - 1} renewed" in out, out
        renewed = ResultDocument.objects.get(number=good)
        assert renewed.pdf_sha256 != before[good]
        assert ResultDocument.objects.get(number=bad).pdf_sha256 == before[bad]

        # Twice: nothing more to do — also as the scheduler runs it (the periodic task, enqueued).
        report = renewal.renew_all(numbers=[good])
        assert [o.action for o in report.outcomes] == [None] and not report.renewed
        assert "documents.renewal.renew_validation" in dict(settings.ELICENSE_PERIODIC_TASKS)
        assert import_string("documents.renewal.renew_validation").enqueue().return_value == 0
        assert ResultDocument.objects.get(number=good).pdf_sha256 == renewed.pdf_sha256
        (entry,) = renewal.history(renewed)
        assert entry["sha256_before"] == before[good] and entry["sha256_after"] == renewed.pdf_sha256
        assert entry["renewal"] == "refresh" and entry["size_after"] > entry["size_before"]

        # The documented check, through manage.py: pyHanko's verdict printed, offline, at a date.
        call_command("validate_document", good, "--at", (later + DAY).isoformat())
        out = capsys.readouterr().out
        assert "unshare -rn --" in out and "adesverify" in out and ":INTACT:TRUSTED," in out, out
    with pytest.raises(Exception, match="validation failed"):
        call_command("validate_document", good, "--at", (t0 + 30 * DAY).isoformat())
    assert ":INTACT:UNTRUSTED," in capsys.readouterr().out
