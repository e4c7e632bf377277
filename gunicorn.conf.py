"""gunicorn settings for Apik Market: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Every value can be changed with an environment variable (docs/PRODUCTION.md):

  GUNICORN_BIND          address to listen on (default 127.0.0.1:$PORT, PORT=8000)
  WEB_CONCURRENCY        worker processes (default 2 x cores + 1, at most 12)
  GUNICORN_THREADS       threads per worker (default 4)
  GUNICORN_TIMEOUT       seconds before a silent worker is killed (default 30)
  GUNICORN_GRACEFUL_TIMEOUT  seconds to finish requests on restart (default 20)
  GUNICORN_KEEPALIVE     seconds a keep-alive connection waits (default 5)
  GUNICORN_MAX_REQUESTS  restart a worker after this many requests (default 0: never)
  GUNICORN_ACCESSLOG     access log file, "-" for stderr (default), "off" for none
  GUNICORN_LOGLEVEL      gunicorn's own log level (default info)
  FORWARDED_ALLOW_IPS    proxies whose X-Forwarded-Proto gunicorn trusts (default 127.0.0.1,::1)

Command-line options win over this file (the tests and benchmarks pass -w and -b).
"""

import os

MAX_WORKERS = 12


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (containers, taskset)
    except AttributeError:
        return os.cpu_count() or 1


bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = _int("WEB_CONCURRENCY", min(2 * _cores() + 1, MAX_WORKERS))
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 4)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 20)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10

_access = os.environ.get("GUNICORN_ACCESSLOG", "-").strip()
accesslog = None if _access.lower() in ("", "off", "none", "false", "0") else _access
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# client, request line, status, bytes, milliseconds, the app's request id, referrer, user agent
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s "%(f)s" "%(a)s"'

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"  # heartbeat files off a possibly slow disk
