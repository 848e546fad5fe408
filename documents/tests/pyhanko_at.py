"""``python -m documents.tests.pyhanko_at <ISO time> sign adesverify …``: the pyhanko command line, in a process
of its own whose clock stands at that time (time-machine), for the simulated dates of the long-term validation
tests. pyHanko's past validation starts its time slide at the wall clock (``past_validate(init_control_time=None)``
in ``pyhanko.sign.validation.ades._build_and_past_validate_cert``), not at ``--validation-time``: a check "at +10
years" run today would judge the proofs of existence of +4 and +8 years to be in the future. Run at a real date,
the check needs no such thing (docs/documents.md)."""
import sys

import time_machine


def main() -> None:
    at, args = sys.argv[1], sys.argv[2:]
    sys.argv = ["pyhanko", *args]
    with time_machine.travel(at, tick=True):
        from pyhanko.__main__ import launch

        code = launch()
    sys.exit(code)


if __name__ == "__main__":
    main()
