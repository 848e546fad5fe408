"""The "quality" and "accessibility" indicators of the services (spec §7: the survey is "for determining the
'quality' and 'accessibility' indicators of electronic state services"), with the timing figures behind them:
per service, channel, provider unit and period. Reads only (docs/indicators.md).

    Filters(date_from, date_to, service="", channel="", unit_id=None)
    figures(filters) -> Figures   # per service: requests, results in time, survey answers; per step: norms kept

* A request belongs to the period by the day (Asia/Almaty) it was **received** (`Application.received_at`: the
  day its terms run from).
* **In time**: a finished request (result or refusal) whose `finished_at` is no later than its `deadline_at`.
* **Quality**: the share of the survey's answers "satisfied" to "Are you satisfied with the quality and result of
  the service process?"; **accessibility**: the same for "… the quality of information about the procedure?".
  Both with the full distribution (satisfied / partly / not satisfied), so nothing is hidden in one number.
* **Steps**: per step of the definitions (its regulation number and name), how many were done, how many of
  those with a norm kept it (`WorkTask.within_norm`), and the median duration.
"""
from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field

from django.db.models import Q

from applications.models import Application, SurveyAnswer
from workdays.calendar import ALMATY
from workflow.models import WorkTask

FINISHED = (Application.Status.COMPLETED, Application.Status.REFUSED)


@dataclass(frozen=True)
class Filters:
    date_from: datetime.date
    date_to: datetime.date
    service: str = ""
    channel: str = ""
    unit_id: int | None = None

    def requests(self):
        start = datetime.datetime.combine(self.date_from, datetime.time.min, tzinfo=ALMATY)
        end = datetime.datetime.combine(self.date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=ALMATY)
        qs = Application.objects.filter(received_at__gte=start, received_at__lt=end)
        if self.service:
            qs = qs.filter(service=self.service)
        if self.channel:
            qs = qs.filter(channel=self.channel)
        if self.unit_id:
            qs = qs.filter(provider_unit_id=self.unit_id)
        return qs


@dataclass
class Survey:
    satisfied: int = 0
    partly: int = 0
    not_satisfied: int = 0

    @property
    def answers(self) -> int:
        return self.satisfied + self.partly + self.not_satisfied

    @property
    def share(self) -> float | None:
        return self.satisfied / self.answers if self.answers else None

    def add(self, answer: int) -> None:
        if answer == SurveyAnswer.Answer.SATISFIED:
            self.satisfied += 1
        elif answer == SurveyAnswer.Answer.PARTLY:
            self.partly += 1
        else:
            self.not_satisfied += 1


@dataclass
class ServiceFigures:
    service: str
    received: int = 0
    finished: int = 0
    in_time: int = 0
    refused: int = 0
    days: list[float] = field(default_factory=list)  # receipt to result, of the finished ones
    quality: Survey = field(default_factory=Survey)
    accessibility: Survey = field(default_factory=Survey)

    @property
    def in_time_share(self) -> float | None:
        return self.in_time / self.finished if self.finished else None

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days) if self.days else None


@dataclass
class StepFigures:
    service: str
    step: str
    name: str
    norm: str
    done: int = 0
    judged: int = 0
    kept: int = 0
    durations: list[float] = field(default_factory=list)

    @property
    def kept_share(self) -> float | None:
        return self.kept / self.judged if self.judged else None

    @property
    def median_seconds(self) -> float | None:
        return statistics.median(self.durations) if self.durations else None


@dataclass
class Figures:
    filters: Filters
    services: list[ServiceFigures]
    steps: list[StepFigures]

    @property
    def total(self) -> ServiceFigures:
        total = ServiceFigures(service="")
        for s in self.services:
            total.received += s.received
            total.finished += s.finished
            total.in_time += s.in_time
            total.refused += s.refused
            total.days += s.days
            for mine, theirs in ((total.quality, s.quality), (total.accessibility, s.accessibility)):
                mine.satisfied += theirs.satisfied
                mine.partly += theirs.partly
                mine.not_satisfied += theirs.not_satisfied
        return total


def figures(filters: Filters) -> Figures:
    """The indicators of the requests received in the period (three queries, whatever the number of requests)."""
    by_service: dict[str, ServiceFigures] = {}
    requests = filters.requests()
    for service, status, received_at, deadline_at, finished_at in requests.values_list(
            "service", "status", "received_at", "deadline_at", "finished_at"):
        row = by_service.setdefault(service, ServiceFigures(service))
        row.received += 1
        if status in FINISHED and finished_at is not None:
            row.finished += 1
            row.refused += status == Application.Status.REFUSED
            row.in_time += deadline_at is not None and finished_at <= deadline_at
            row.days.append((finished_at - received_at).total_seconds() / 86400)
    for service, process, information in SurveyAnswer.objects.filter(
            application__in=requests).values_list("application__service", "process_quality", "information_quality"):
        row = by_service.setdefault(service, ServiceFigures(service))
        row.quality.add(process)
        row.accessibility.add(information)
    steps: dict[tuple, StepFigures] = {}
    done = WorkTask.objects.filter(Q(application__in=requests), state=WorkTask.State.DONE).exclude(step="")
    for service, step, name, norm, within, duration in done.values_list(
            "application__service", "step", "name", "norm", "within_norm", "duration_seconds").order_by():
        row = steps.setdefault((service, step, name), StepFigures(service, step, name, norm))
        row.done += 1
        if within is not None:
            row.judged += 1
            row.kept += within
        if duration is not None:
            row.durations.append(duration)
    return Figures(filters, sorted(by_service.values(), key=lambda s: s.service),
                   sorted(steps.values(), key=lambda s: (s.service, _step_order(s.step), s.name)))


def _step_order(step: str) -> tuple:
    digits = "".join(ch for ch in step if ch.isdigit())
    return (step.rstrip("0123456789"), int(digits) if digits else 0)
