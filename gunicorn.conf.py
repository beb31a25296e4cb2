"""gunicorn's settings for every way the app is served (`make run`, the Docker image, the load
test): gunicorn reads this file from its working directory, the command line only adds the address
and the logs.

Why these numbers (issue 22, loadtest/REPORT.md): the pages are CPU-bound (templates, ORM), so
more processes than cores buy no throughput once the database's waits are covered; one process
more than cores keeps both busy while one waits on PostgreSQL. Threads (gthread) cover those waits
inside each process without more memory, and keep the connections of keep-alive clients, which
sync workers close after every response. Each thread holds its own persistent database
connection (CONN_MAX_AGE): workers × threads connections per web host, 12 by default.
WEB_CONCURRENCY (processes), GUNICORN_THREADS, GUNICORN_TIMEOUT and GUNICORN_KEEPALIVE override the
defaults per host.
"""

import os

# 3 for the 2 cores the application is sized for. Not guessed from the machine: inside a container
# the count of cores is the host's, not the container's quota.
workers = int(os.environ.get("WEB_CONCURRENCY", 3))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread" if threads > 1 else "sync"
# Long enough for the heaviest export, short enough that a stuck request frees its thread.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
# Seconds an idle keep-alive connection stays open. Longer than the pauses of a person reading a
# page and than a proxy's idle timeout (nginx's 75 s, a cloud balancer's 60 s): a server that
# closes first races the client's next request on that connection, which then fails with
# "connection reset" (one GET /avis/ per load-test run at 5 s, the tutors pausing 2–5 s). gthread
# keeps idle connections in its poller, not in a thread.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 75))
# A process is replaced after this many requests (with jitter, not all at once): a leak in a
# library cannot grow for ever.
max_requests = 5000
max_requests_jitter = 500
