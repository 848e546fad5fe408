"""A small NCALayer-protocol signer for development, demos and tests.

Real users sign with NCALayer, the NCA's local program; a portal page reaches
it over a websocket (``wss://127.0.0.1:13579``) with JSON messages. This
service answers the same messages from demo PKCS#12 keys (``var/pki/users``,
written by ``manage.py load_demo``), so the portal's signing page and the
tests work without NCALayer. It signs **without asking anyone**: demo keys
only, loopback only.

Run: ``python -m ncalayer_signer --keys var/pki/users --password Qwerty12 --port 13579``.
Protocol subset and the production note: docs/signatures.md.
"""
