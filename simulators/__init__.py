"""Simulators of the state's outside systems E-licensing talks to.

Small standalone HTTP services (stdlib only: no Django, no project imports),
one process each, so that development, demos and tests exercise the same
network code path as production (docs/integrations.md, docs/adr/0007):

    python -m simulators.registry  --port 8101 --secret S [--data FILE] [--generate N]
    python -m simulators.payments  --port 8102 --secret S --callback-url URL [--state FILE]
    python -m simulators.documents --port 8103 --secret S [--state FILE]
"""
