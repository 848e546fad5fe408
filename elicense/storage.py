"""Where the stored files live — applicants' attachments and scans, result PDFs: Django's ``STORAGES``
built from the environment (docs/deployment.md "Storage", ADR 0012). The code reaches files only through
the storage API (``FileField``, ``default_storage``), never through a local path, so any backend serves.

| variable | default | meaning |
| --- | --- | --- |
| ``ELICENSE_STORAGE`` | ``local`` | ``local``: a folder, ``MEDIA_ROOT`` (one server); ``s3``: an S3 bucket (any number of servers) |
| ``ELICENSE_S3_BUCKET`` | — (required for ``s3``) | the bucket; private: no public ACL is set |
| ``ELICENSE_S3_ENDPOINT_URL`` | AWS | an S3-compatible server, e.g. ``https://s3.example.kz`` (MinIO, Ceph) |
| ``ELICENSE_S3_REGION`` | boto3's | region name |
| ``ELICENSE_S3_ACCESS_KEY``, ``ELICENSE_S3_SECRET_KEY`` | boto3's chain | credentials (else the ``AWS_*`` variables, the instance's role …) |
| ``ELICENSE_S3_ADDRESSING_STYLE`` | boto3's (``auto``) | ``path`` (most S3-compatible servers) or ``virtual`` |
| ``ELICENSE_S3_PREFIX`` | ``""`` | a key prefix inside the bucket (one bucket for several environments) |

Files are always served by the app, which checks who may see them: signed URLs are off
(``querystring_auth``), and ``file_overwrite`` is off so that a second file of the same name gets a name
of its own, as on the local folder.
"""
from __future__ import annotations

from collections.abc import Mapping

LOCAL = {"BACKEND": "django.core.files.storage.FileSystemStorage"}  # MEDIA_ROOT, read when used
STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # shipped with the code


def s3_options(environ: Mapping[str, str]) -> dict:
    bucket = environ.get("ELICENSE_S3_BUCKET", "")
    if not bucket:
        raise RuntimeError("ELICENSE_STORAGE=s3 needs ELICENSE_S3_BUCKET")
    options = {
        "bucket_name": bucket,
        "default_acl": None,  # private objects: no ACL header, the bucket's policy applies
        "querystring_auth": False,  # no signed URLs: files go out through the app's access checks
        "file_overwrite": False,
        "location": environ.get("ELICENSE_S3_PREFIX", ""),
    }
    for option, variable in (("endpoint_url", "ELICENSE_S3_ENDPOINT_URL"), ("region_name", "ELICENSE_S3_REGION"),
                             ("access_key", "ELICENSE_S3_ACCESS_KEY"), ("secret_key", "ELICENSE_S3_SECRET_KEY"),
                             ("addressing_style", "ELICENSE_S3_ADDRESSING_STYLE")):
        if environ.get(variable):
            options[option] = environ[variable]
    if options.get("addressing_style") not in (None, "auto", "path", "virtual"):
        raise RuntimeError("ELICENSE_S3_ADDRESSING_STYLE must be auto, path or virtual")
    return options


def storages_from_env(environ: Mapping[str, str]) -> dict:
    """``STORAGES`` for these variables."""
    kind = environ.get("ELICENSE_STORAGE", "local") or "local"
    if kind == "local":
        default = dict(LOCAL)
    elif kind == "s3":
        default = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3_options(environ)}
    else:
        raise RuntimeError("ELICENSE_STORAGE must be local or s3")
    return {"default": default, "staticfiles": dict(STATIC)}
