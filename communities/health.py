"""Health endpoints for a load balancer and monitoring.

- ``live``: the process answers (no database, no session): the "bare view" that ``manage.py
  bench`` measures every page against, through the same middleware.
- ``ready``: this web process can serve: the database answers ``SELECT 1``. 200 ``ok``, else
  503: a load balancer takes the server out until it answers again. Redis is not asked: with
  it down the site still serves (requests for reports and exports wait, docs/operations.md),
  and taking every web server out for it would stop the site.
- ``workers``: every queue (``WORKER_QUEUES``) has a worker: a ``communities.ping`` task sent
  to each must come back within ``HEALTH_WORKER_TIMEOUT`` seconds. 200 with each queue's
  answer, else 503. The answer is kept ``HEALTH_WORKER_KEEP_SECONDS``, so a monitor polling
  often sends few pings; a ping nobody took expires instead of waiting in the queue.

None needs a login, none reads a session, and none says more than which part failed.
"""

import json
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections, transaction
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

WORKERS_KEPT = "health:workers"


# Outside ATOMIC_REQUESTS: a transaction would open a connection first (and fail before the
# view when the database is down, a 500 instead of ``ready``'s 503).
@transaction.non_atomic_requests
@require_safe  # GET and HEAD: a load balancer may ask either
def live(request):
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@transaction.non_atomic_requests
@never_cache
@require_safe
def ready(request):
    if not _database():
        return _plain(503, "unavailable: database")
    return _plain(200, "ok")


@transaction.non_atomic_requests
@never_cache
@require_safe
def workers(request):
    answers = _kept_answers()
    if answers is None:
        answers = ping_queues(settings.HEALTH_WORKER_TIMEOUT)
        _keep_answers(answers)
    status = 200 if all(answer == "ok" for answer in answers.values()) else 503
    return HttpResponse(
        json.dumps(answers), status=status, content_type="application/json; charset=utf-8"
    )


def ping_queues(timeout: float) -> dict[str, str]:
    """Each queue's answer to a ping: ``ok``, or why not."""
    from communities.tasks import ping

    sent = {}
    answers = {}
    for queue in settings.WORKER_QUEUES:
        try:
            sent[queue] = ping.apply_async(queue=queue, expires=timeout)
        except Exception as error:  # the broker is down: no queue can answer
            logger.warning("health: ping to %s not sent: %s", queue, error)
            answers[queue] = "broker unavailable"
    deadline = time.monotonic() + timeout
    for queue, result in sent.items():
        try:
            answer = result.get(timeout=max(deadline - time.monotonic(), 0.05))
        except Exception:
            answer = None
        finally:
            result.forget()
        answers[queue] = "ok" if answer == "pong" else f"no answer within {timeout:g} s"
    return {queue: answers[queue] for queue in settings.WORKER_QUEUES}


def _kept_answers() -> dict | None:
    try:
        return cache.get(WORKERS_KEPT)
    except Exception:  # Redis down: the cache is too; ask the queues (and fail)
        return None


def _keep_answers(answers: dict) -> None:
    try:
        cache.set(WORKERS_KEPT, answers, settings.HEALTH_WORKER_KEEP_SECONDS)
    except Exception as error:
        logger.warning("health: answers not kept: %s", error)


def _database() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError as error:
        logger.warning("health: database unavailable: %s", error)
        return False


def _plain(status: int, text: str) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
