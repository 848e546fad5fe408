"""The interference pre-check's data and timing for scripts/bench --only spectrum (benchmarks.bench.spectrum_case).

The case (in benchmarks/bench.py): a throwaway PostgreSQL database (created, migrated, dropped), in that
process: the assignments seeded with COPY (stations spread uniformly over Kazakhstan's bounding box, on the
channel rasters of the bands below, EIRP −10…50 dBW; a third of them 28–55 MHz microwave links), ANALYZE, then ``spectrum.precheck.run`` for the same requested stations at the small
size and, after seeding up to the large size, again. Printed as the other figures:

    interference pre-check p95 (100,000 vs 1,000 assignments): <ms> (baseline <ms>, ratio <r>, target ≤ 3)
"""
from __future__ import annotations

import random
import statistics
import time

# (low MHz, high MHz, channel kHz, radio service): the channel rasters the seeded assignments sit on.
BANDS = [(146, 148, 12.5, "mobile"), (450, 470, 25, "mobile"), (87.5, 108, 200, "broadcasting"),
         (862, 960, 200, "mobile"), (1710, 1880, 5000, "mobile"), (2500, 2690, 10000, "mobile"),
         (5925, 6425, 29650, "fixed"), (10700, 11700, 28000, "fixed"), (17700, 19700, 55000, "fixed")]
LAT, LON = (40.6, 55.4), (46.6, 87.3)


def stations(rng: random.Random, count: int):
    for _ in range(count):
        low, high, khz, service = rng.choice(BANDS)
        channels = int((high - low) * 1000 // khz)
        centre = low + (rng.randrange(channels) + 0.5) * khz / 1000
        yield {"centre_mhz": centre, "bandwidth_khz": khz, "radio_service": service,
               "eirp_dbw": rng.uniform(-10, 50), "latitude": rng.uniform(*LAT), "longitude": rng.uniform(*LON)}


def rows(count: int, first_id: int, rng: random.Random):
    """Assignment rows by attname, for COPY (benchmarks.bench.copy_rows)."""
    from spectrum.models import cell_of, width_class_of

    for i, s in enumerate(stations(rng, count)):
        half = s["bandwidth_khz"] / 2000
        yield {"id": first_id + i, **s, "low_mhz": s["centre_mhz"] - half, "high_mhz": s["centre_mhz"] + half,
               "cell": cell_of(s["latitude"], s["longitude"]), "width_class": width_class_of(s["bandwidth_khz"]),
               "holder_name": f"Bench operator {i % 500}", "holder_bin": f"{100000000000 + i % 500}",
               "antenna_height_m": 30.0, "polarisation": "vertical", "area": "bench"}


def timed(requests, repeat: int = 1) -> dict:
    from spectrum import precheck

    table = precheck.parameters()
    times, findings = [], 0
    for _ in range(repeat):
        for station in requests:
            t = time.perf_counter()
            result = precheck.run(station, table=table)
            times.append((time.perf_counter() - t) * 1000)
            findings += len(result.findings)
    times.sort()
    return {"p50": statistics.median(times), "p95": times[int(len(times) * 0.95) - 1], "n": len(times),
            "findings": findings / repeat}
