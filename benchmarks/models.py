"""The one table the bare baseline endpoint writes to (web/bench.py: POST /bench/insert, mounted only with
ELICENSE_BENCH_ENDPOINTS=1): one row per request, nothing reads it."""
from django.db import models


class BenchRow(models.Model):
    payload = models.CharField(max_length=200, blank=True)
