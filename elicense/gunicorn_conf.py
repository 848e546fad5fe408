"""gunicorn's configuration (ADR 0011, docs/deployment.md): ``gunicorn -c elicense/gunicorn_conf.py``.

Everything comes from the environment, with the defaults below:

| variable | default | gunicorn setting |
| --- | --- | --- |
| ELICENSE_WEB_BIND | 127.0.0.1:8000 | bind (the reverse proxy in front talks to it) |
| ELICENSE_WEB_WORKERS | 2 | workers; the settings size each worker's database pool from the same variable |
| ELICENSE_WEB_WORKER_CLASS | sync | worker_class (sync or gthread; ADR 0011 has the measurements) |
| ELICENSE_WEB_THREADS | 1 | threads per worker (gthread only; keep ≤ the pool's max_size) |
| ELICENSE_WEB_TIMEOUT | 30 | timeout: a worker silent this long is killed and replaced |
| ELICENSE_WEB_GRACEFUL_TIMEOUT | 20 | graceful_timeout: on TERM, requests in flight get this long to finish |
| ELICENSE_WEB_KEEPALIVE | 5 | keepalive (seconds an idle keep-alive connection stays open; not sync) |
| ELICENSE_WEB_MAX_REQUESTS | 2000 | max_requests, with max_requests_jitter = a tenth of it |

Access log and error log go to stdout/stderr (the supervisor collects them). The application is not preloaded:
each worker imports Django after the fork, so it opens its own pool and no connection crosses a fork.
"""
import os

wsgi_app = "elicense.wsgi:application"
bind = os.environ.get("ELICENSE_WEB_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("ELICENSE_WEB_WORKERS", "2"))
worker_class = os.environ.get("ELICENSE_WEB_WORKER_CLASS", "sync")
threads = int(os.environ.get("ELICENSE_WEB_THREADS", "1"))
timeout = int(os.environ.get("ELICENSE_WEB_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("ELICENSE_WEB_GRACEFUL_TIMEOUT", "20"))
keepalive = int(os.environ.get("ELICENSE_WEB_KEEPALIVE", "5"))
max_requests = int(os.environ.get("ELICENSE_WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
preload_app = False
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("ELICENSE_WEB_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms pid=%(p)s'
proc_name = "elicense-web"
# gunicorn's control socket (~/.gunicorn/gunicorn.ctl) is shared by every instance on the machine: off.
control_socket_disable = True
# A request line or header block larger than these is refused with 4xx before Django sees it.
limit_request_line = 8190
limit_request_fields = 100


def on_starting(server):
    # The settings size each worker's pool as budget // ELICENSE_WEB_WORKERS: if the worker count came from
    # the command line (-w N) rather than the environment, give the workers that count.
    os.environ["ELICENSE_WEB_WORKERS"] = str(server.cfg.workers)


def when_ready(server):
    server.log.info("elicense-web ready on %s: %s %s worker(s) × %s thread(s)", ", ".join(server.cfg.bind),
                    server.cfg.workers, server.cfg.worker_class_str, server.cfg.threads)


def post_fork(server, worker):
    server.log.info("worker %s started", worker.pid)
