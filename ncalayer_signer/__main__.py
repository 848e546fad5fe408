"""python -m ncalayer_signer --keys DIR --password PW [--host 127.0.0.1] [--port 13579]
[--tls-cert CERT --tls-key KEY] [--origin URL ...]"""
import argparse
import asyncio
import logging
import ssl
import sys

from ncalayer_signer.server import load_keys, serve


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ncalayer_signer", description=__doc__)
    parser.add_argument("--keys", required=True, help="folder of PKCS#12 key files (*.p12)")
    parser.add_argument("--password", required=True, help="the key files' password")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=13579, help="0 picks a free port (printed)")
    parser.add_argument("--tls-cert", help="serve wss:// with this certificate (PEM)")
    parser.add_argument("--tls-key", help="and this key (PEM)")
    parser.add_argument("--origin", action="append", help="accept only pages of this origin (repeatable)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    keys = load_keys(args.keys, args.password)
    if not keys:
        print(f"no key in {args.keys} opens with that password", file=sys.stderr)
        return 2
    context = None
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
    scheme = "wss" if context else "ws"

    def ready(port):
        print(f"listening on {scheme}://{args.host}:{port} with {len(keys)} keys: "
              + ", ".join(k.name for k in keys), flush=True)

    try:
        asyncio.run(serve(keys, args.host, args.port, context, args.origin, ready))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
