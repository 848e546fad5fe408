"""An S3-compatible object store for the tests (registered in the root conftest; docs/deployment.md
"Storage", ADR 0012): moto's server mode on a free loopback port, started once per test session, with one
bucket made for the session. E-licensing talks to it over real HTTP through django-storages and boto3, as
it would to an S3 or MinIO server.

    s3_server     the running server: .url, .bucket, .environ (the ELICENSE_STORAGE / ELICENSE_S3_* variables
                  that point at it), .client() (a new boto3 client, as another process would make)
    s3_storage    a test whose default storage (STORAGES["default"]) is that bucket
"""
from __future__ import annotations

import logging
import socket
import uuid
from dataclasses import dataclass

import pytest

from elicense.storage import storages_from_env


@dataclass
class S3Server:
    url: str
    bucket: str
    environ: dict

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3", endpoint_url=self.url, region_name=self.environ["ELICENSE_S3_REGION"],
            aws_access_key_id=self.environ["ELICENSE_S3_ACCESS_KEY"],
            aws_secret_access_key=self.environ["ELICENSE_S3_SECRET_KEY"],
            config=Config(s3={"addressing_style": "path"}),
        )

    def keys(self) -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        return [item["Key"] for page in pages for item in page.get("Contents", [])]

    def read(self, key: str) -> bytes:
        return self.client().get_object(Bucket=self.bucket, Key=key)["Body"].read()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    moto_server = pytest.importorskip("moto.server", reason="moto is a test dependency (requirements-dev.txt)")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    environ = {
        "ELICENSE_STORAGE": "s3",
        "ELICENSE_S3_BUCKET": f"elicense-test-{uuid.uuid4().hex[:12]}",
        "ELICENSE_S3_ENDPOINT_URL": url,
        "ELICENSE_S3_REGION": "us-east-1",
        "ELICENSE_S3_ACCESS_KEY": "test-access-key",
        "ELICENSE_S3_SECRET_KEY": "test-secret-key",
        "ELICENSE_S3_ADDRESSING_STYLE": "path",
    }
    s3 = S3Server(url=url, bucket=environ["ELICENSE_S3_BUCKET"], environ=environ)
    s3.client().create_bucket(Bucket=s3.bucket)
    yield s3
    server.stop()


@pytest.fixture
def s3_storage(s3_server, settings):
    settings.STORAGES = storages_from_env(s3_server.environ)
    return s3_server
