"""The interference pre-check's figures against free-space values computed by hand, the planted conflicts it must
find and the far-away station it must pass, and (hypothesis) the geometry: symmetry, monotony in distance, the
index's cells covering every point within the reach."""
from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spectrum import actions
from spectrum.models import Assignment, ServiceParameters, cell_of
from spectrum.precheck import KM_PER_DEGREE, Station, assess, cells_around, fspl_db, haversine_km, reach_km, run

ALMATY = (43.238, 76.889)


def north_of(point, km):
    """A point ``km`` due north (a meridian is a great circle: 1° of latitude = 111.195 km on R = 6371 km)."""
    return point[0] + km / KM_PER_DEGREE, point[1]


def station(point, mhz=900.0, khz=200.0, eirp=10.0, service="mobile"):
    return Station(centre_mhz=mhz, bandwidth_khz=khz, eirp_dbw=eirp, latitude=point[0], longitude=point[1],
                   radio_service=service)


def existing(point, mhz=900.0, khz=200.0, eirp=10.0, service="mobile", holder="Existing LLP"):
    a = Assignment(holder_name=holder, holder_bin="123456789012", radio_service=service, centre_mhz=mhz,
                   bandwidth_khz=khz, eirp_dbw=eirp, latitude=point[0], longitude=point[1], area="almaty-city")
    a.save()
    return a


@pytest.fixture
def mobile_params(db):
    return ServiceParameters.objects.create(radio_service="mobile", guard_band_khz=100, protection_ratio_db=20,
                                            adjacent_protection_ratio_db=-25, threshold_dbw=-120, max_reach_km=150)


# -- the figures, by hand ---------------------------------------------------------------------------------
def test_free_space_loss_as_written_out():
    # ITU-R P.525: L = 32.45 + 20 log10 f[MHz] + 20 log10 d[km]
    # 900 MHz at 10 km: 32.45 + 20·2.954243 (= 59.0849) + 20·1 (= 20) = 111.5349 dB
    assert fspl_db(900, 10) == pytest.approx(111.5349, abs=1e-4)
    # 2500 MHz at 1 km: 32.45 + 20·3.397940 (= 67.9588) + 0 = 100.4088 dB
    assert fspl_db(2500, 1) == pytest.approx(100.4088, abs=1e-4)
    # 100 MHz at 50 km: 32.45 + 40 + 20·1.698970 (= 33.9794) = 106.4294 dB
    assert fspl_db(100, 50) == pytest.approx(106.4294, abs=1e-4)


def test_haversine_as_written_out():
    # one degree of latitude: π·6371/180 = 111.1949 km
    assert haversine_km(43, 76, 44, 76) == pytest.approx(111.1949, abs=1e-4)
    # a quarter of the equator: π/2·6371 = 10007.543 km; 1° of longitude at 60°: 2·6371·asin(cos 60°·sin 0.5°)
    # = 2·6371·asin(0.5·0.00872654) = 55.5969 km (the great circle, a hair shorter than the parallel's 55.5975)
    assert haversine_km(0, 0, 0, 90) == pytest.approx(10007.543, abs=1e-3)
    assert haversine_km(60, 10, 60, 11) == pytest.approx(55.5969, abs=1e-4)


def test_reach_from_eirp_and_tolerance():
    # EIRP 10 dBW against a tolerance of −140 dBW at 900 MHz: 10 − (−140) = 150 dB of loss needed;
    # 150 − 32.45 − 59.0849 = 58.4651 → d = 10^(58.4651/20) = 838.6 km; capped at 150 km
    assert reach_km(10, 900, -140, 10_000) == pytest.approx(838.6, rel=1e-3)
    assert reach_km(10, 900, -140, 150) == 150
    # a weak one: −60 dBW against −140 dBW: 80 − 91.5349 = −11.5349 → 10^(−0.57675) = 0.265 km
    assert reach_km(-60, 900, -140, 150) == pytest.approx(0.2651, rel=1e-3)


def test_planted_co_channel_conflict_with_its_margins(mobile_params):
    victim = existing(ALMATY)
    new = station(north_of(ALMATY, 10))
    result = run(new)
    assert [f.assignment for f in result.findings] == [victim]
    finding = result.findings[0]
    assert finding.relation == "co-channel" and finding.distance_km == pytest.approx(10, abs=1e-6)
    # the new station as interferer: I = 10 dBW − 111.5349 dB = −101.5349 dBW; tolerance T − PR = −120 − 20 =
    # −140 dBW; margin = −140 − (−101.5349) = −38.4651 dB: a conflict
    effect = finding.as_interferer
    assert effect.path_loss_db == pytest.approx(111.5349, abs=1e-4)
    assert effect.interference_dbw == pytest.approx(-101.5349, abs=1e-4)
    assert effect.tolerance_dbw == -140
    assert effect.margin_db == pytest.approx(-38.4651, abs=1e-4)
    assert finding.conflict and result.conflicts == [finding]
    # the same figures the other way (same EIRP, same service): the new station as victim
    assert finding.as_victim.margin_db == pytest.approx(-38.4651, abs=1e-4)


def test_the_new_station_as_victim_of_a_strong_one(mobile_params):
    existing(ALMATY, eirp=30)  # 1 kW
    new = station(north_of(ALMATY, 10), eirp=-60)  # 1 µW
    finding = run(new).findings[0]
    # as interferer: −60 − 111.5349 = −171.5349 dBW; margin −140 + 171.5349 = +31.5349 dB (harmless)
    assert finding.as_interferer.margin_db == pytest.approx(31.5349, abs=1e-4)
    # as victim: 30 − 111.5349 = −81.5349 dBW; margin −140 + 81.5349 = −58.4651 dB (it would be interfered with)
    assert finding.as_victim.margin_db == pytest.approx(-58.4651, abs=1e-4)
    assert finding.conflict and finding.margin_db == pytest.approx(-58.4651, abs=1e-4)


def test_a_far_away_station_passes(mobile_params):
    existing(north_of(ALMATY, 500))  # beyond the 150 km reach
    existing(ALMATY, mhz=2600)  # here, but on other frequencies
    result = run(station(ALMATY))
    assert result.findings == [] and result.conflicts == []
    assert result.reach_km == 150


def test_adjacent_channel_within_the_guard_band(mobile_params):
    # existing 900.25 MHz, 200 kHz: 900.15–900.35; new 900.0 MHz, 200 kHz: 899.90–900.10: a 50 kHz gap < 100 kHz
    near = existing(ALMATY, mhz=900.25)
    existing(ALMATY, mhz=900.35)  # 900.25–900.45: a 150 kHz gap, beyond the guard band
    result = run(station(north_of(ALMATY, 10)))
    assert [f.assignment for f in result.findings] == [near]
    finding = result.findings[0]
    assert finding.relation == "adjacent" and finding.separation_khz == pytest.approx(50, abs=1e-6)
    # the loss at the victim's frequency, 900.25 MHz: 32.45 + 20·2.954364 (= 59.0873) + 20 = 111.5373 dB;
    # I = 10 − 111.5373 = −101.5373 dBW; the adjacent-channel protection ratio −25 dB: tolerance −120 + 25 =
    # −95 dBW; margin = −95 + 101.5373 = +6.5373 dB: no conflict
    assert finding.as_interferer.tolerance_dbw == -95
    assert finding.as_interferer.margin_db == pytest.approx(6.5373, abs=1e-4)
    assert not finding.conflict
    # at 2 km the same pair conflicts: L = 32.45 + 59.0873 + 6.0206 = 97.5579; I = −87.5579; margin −7.4421
    finding = run(station(north_of(ALMATY, 2))).findings[0]
    assert finding.as_interferer.margin_db == pytest.approx(-7.4421, abs=1e-4) and finding.conflict


def test_a_terminated_permit_no_longer_counts_and_an_excluded_one_is_skipped(mobile_params):
    a = existing(ALMATY)
    assert run(station(north_of(ALMATY, 5)), exclude=[a.pk]).findings == []


def test_the_frequency_table_csv_is_checked_and_loaded(db):
    text = "# demo\nlow_mhz,high_mhz,radio_service,primary,footnote,source\n862,960,mobile,yes,,demo\n960,1000,mobile,,,x\n"
    assert actions.load_frequency_table(text) == 2
    assert actions.allocated_to("mobile", 900, 990) and not actions.allocated_to("mobile", 950, 1001)
    assert not actions.allocated_to("fixed", 900, 901)
    assert ServiceParameters.objects.filter(radio_service="mobile").exists()
    with pytest.raises(actions.FrequencyTableInvalid) as err:
        actions.load_frequency_table("low_mhz,high_mhz,radio_service\n900,862,mobile\n")
    assert err.value.details == {"line": 2}
    with pytest.raises(actions.FrequencyTableInvalid):
        actions.load_frequency_table("low_mhz,high_mhz,radio_service\n900,960,martian\n")
    assert actions.allocated_to("mobile", 900, 990)  # the bad files changed nothing


def test_the_demo_table_loads(db):
    from django.core.management import call_command

    call_command("load_frequency_table")
    assert actions.allocated_to("mobile", 2500, 2510) and actions.allocated_to("broadcasting", 100, 101)


def test_decimal_comma_in_the_table(db):
    actions.load_frequency_table("low_mhz,high_mhz,radio_service\n\"450,5\",\"451,75\",mobile\n")
    assert actions.allocated_to("mobile", 450.6, 451.7)


# -- hypothesis: the geometry and the frequency overlap ----------------------------------------------------
lat = st.floats(min_value=40, max_value=56)
lon = st.floats(min_value=46, max_value=88)
mhz = st.floats(min_value=30, max_value=40_000)
khz = st.floats(min_value=1, max_value=20_000)
eirp = st.floats(min_value=-60, max_value=60)
PARAMS = {"mobile": ServiceParameters(radio_service="mobile", guard_band_khz=100, protection_ratio_db=20,
                                      adjacent_protection_ratio_db=-25, threshold_dbw=-120, max_reach_km=150),
          "fixed": ServiceParameters(radio_service="fixed", guard_band_khz=50, protection_ratio_db=30,
                                     adjacent_protection_ratio_db=-20, threshold_dbw=-110, max_reach_km=100)}
services = st.sampled_from(["mobile", "fixed"])


def stations():
    return st.builds(lambda la, lo, f, w, p, s: Station(f, w, p, la, lo, s), lat, lon, mhz, khz, eirp, services)


@given(stations(), stations())
def test_the_two_directions_are_each_others_mirror(a, b):
    ab, ba = assess(a, b, PARAMS), assess(b, a, PARAMS)
    assert (ab is None) == (ba is None)  # the overlap (with the larger guard band) is symmetric
    if ab is None:
        return
    assert ab.distance_km == pytest.approx(ba.distance_km)
    assert ab.separation_khz == pytest.approx(ba.separation_khz) and ab.relation == ba.relation
    assert ab.as_interferer == ba.as_victim and ab.as_victim == ba.as_interferer


@given(stations(), st.floats(min_value=-8, max_value=8), st.floats(min_value=0.01, max_value=300),
       st.floats(min_value=0.01, max_value=300))
def test_the_margin_grows_with_the_distance(a, khz_offset, d1, d2):
    near, far = sorted((d1, d2))
    b = Station(a.centre_mhz + khz_offset / 1000, a.bandwidth_khz, a.eirp_dbw, a.latitude, a.longitude,
                a.radio_service)
    f_near = assess(a, Station(**{**b.__dict__, "latitude": north_of((a.latitude, a.longitude), near)[0]}), PARAMS)
    f_far = assess(a, Station(**{**b.__dict__, "latitude": north_of((a.latitude, a.longitude), far)[0]}), PARAMS)
    assert f_near is not None and f_far is not None  # overlapping bands (offset ≤ 8 kHz, widths ≥ 1 kHz … )
    assert f_near.as_interferer.margin_db <= f_far.as_interferer.margin_db + 1e-9
    assert f_near.as_victim.margin_db <= f_far.as_victim.margin_db + 1e-9


@given(lat, lon, st.floats(min_value=0.1, max_value=300), st.floats(min_value=0, max_value=2 * math.pi),
       st.floats(min_value=0, max_value=1))
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_the_cells_cover_every_point_within_the_reach(la, lo, radius, bearing, fraction):
    # a point at distance ≤ radius on the given bearing (the destination-point formula on the sphere)
    d = radius * fraction / 6371.0
    p1, l1 = math.radians(la), math.radians(lo)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(bearing))
    l2 = l1 + math.atan2(math.sin(bearing) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    point = (math.degrees(p2), (math.degrees(l2) + 540) % 360 - 180)
    assert haversine_km(la, lo, *point) <= radius + 1e-6
    assert cell_of(*point) in set(cells_around(la, lo, radius))


def test_the_administrator_sets_a_services_parameters_audited(db, django_user_model):
    from audit.models import AuditEntry
    from core.errors import DomainError

    admin = django_user_model.objects.create_superuser(username="spectrum-admin", password=None)
    params = actions.set_parameters("fixed", actor=admin, guard_band_khz=50, protection_ratio_db=30)
    assert (params.guard_band_khz, params.protection_ratio_db, params.threshold_dbw) == (50, 30, -120)
    entry = AuditEntry.objects.filter(kind="admin_change", data__change="spectrum_parameters").get()
    assert entry.actor_username == "spectrum-admin"
    assert entry.data["before"]["guard_band_khz"] == 25 and entry.data["after"]["guard_band_khz"] == 50
    with pytest.raises(DomainError):
        actions.set_parameters("fixed", guard_band_khz=-1)
    with pytest.raises(DomainError):
        actions.set_parameters("martian", guard_band_khz=1)
    assert ServiceParameters.objects.get(radio_service="fixed").guard_band_khz == 50  # the refusals changed nothing


@given(st.lists(st.tuples(st.floats(min_value=-2, max_value=2), st.floats(min_value=-3, max_value=3),
                          st.sampled_from([899.9, 900.0, 900.1, 900.3, 905.0, 2500.0]),
                          st.sampled_from([12.5, 200.0, 5000.0, 28000.0, 200000.0]), eirp), max_size=25),
       st.floats(min_value=-60, max_value=60))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
def test_the_indexed_query_finds_what_a_scan_would(mobile_params, rows, new_eirp):
    """Every assignment the pre-check lists is one a full scan would list, and none is missed: the cells, the width
    classes and the frequency window prune nothing that matters."""
    Assignment.objects.all().delete()
    for dlat, dlon, f, w, p in rows:
        existing((ALMATY[0] + dlat, ALMATY[1] + dlon), mhz=f, khz=w, eirp=p)
    new = station(ALMATY, eirp=new_eirp)
    table = {"mobile": mobile_params}
    result = run(new, table=table)
    expected = []
    for a in Assignment.objects.all():
        finding = assess(new, Station.of(a), table, a)
        if finding is not None and finding.distance_km <= result.reach_km:
            expected.append(a.pk)
    assert sorted(f.assignment.pk for f in result.findings) == sorted(expected)
