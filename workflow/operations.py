"""The operations the process definitions' service tasks call, by name.

The engine knows none of them: the layer that owns an operation registers it with ``@operation`` (the
applications app registers the request's operations — authorisation, payment and signature checks,
registry look-up, registration, receipts, refusals, results — in ``applications/operations.py``).
An operation is called as ``fn(run, node, data, **params)`` with the run (its subject, actor, time and
context), the definition's node and the task data, and returns the JSON-able result the definition's
gateways branch on. Raising ``core.errors.Unavailable`` makes the task wait (workflow.engine).
The table of operations is documented in docs/process-definitions.md.
"""
from __future__ import annotations

from collections.abc import Callable

OPERATIONS: dict[str, Callable] = {}


def operation(fn: Callable | None = None, *, name: str | None = None):
    """Register ``fn`` as the operation ``name`` (default: the function's name)."""
    def register(f: Callable) -> Callable:
        key = name or f.__name__
        if OPERATIONS.get(key, f) is not f:
            raise ValueError(f"operation {key!r} is registered twice")
        OPERATIONS[key] = f
        return f
    return register(fn) if fn is not None else register


def get(name: str) -> Callable:
    try:
        return OPERATIONS[name]
    except KeyError:
        raise LookupError(f"no operation {name!r} is registered (see docs/process-definitions.md)") from None
