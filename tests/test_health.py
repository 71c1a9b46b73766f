"""The health endpoints (issue 15): ``/health/ready/`` says whether the database answers,
``/health/workers/`` whether every queue has a worker; neither needs a login. The two queues
and the tasks sent to ``heavy``. The real worker's answers are in ``test_celery_worker.py``."""

import json
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from kombu.exceptions import OperationalError as BrokerError

from communities.tasks import ping
from config.celery import app

pytestmark = pytest.mark.django_db


def test_live_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/live/")

    assert (response.status_code, response.content) == (200, b"ok")


def test_ready_asks_the_database_once_and_says_ok(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/health/ready/")

    assert (response.status_code, response.content) == (200, b"ok")
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]
    assert client.head("/health/ready/").status_code == 200


def test_ready_is_a_503_when_the_database_does_not_answer(client):
    """Every statement fails, as when PostgreSQL restarts: no middleware reaches it first,
    and the answer is a plain 503, not a server error."""
    with mock.patch.object(
        CursorWrapper, "execute", side_effect=OperationalError("server closed the connection")
    ):
        response = client.get("/health/ready/")

    assert (response.status_code, response.content) == (503, b"unavailable: database")


def test_health_endpoints_take_no_post(client):
    assert client.post("/health/ready/").status_code == 405
    assert client.post("/health/workers/").status_code == 405


def test_workers_ping_every_queue_and_keep_the_answer(client):
    """With tasks in the process (``make run``, the tests) each ping is answered at once."""
    with mock.patch.object(ping, "apply_async", wraps=ping.apply_async) as sent:
        first = client.get("/health/workers/")
        again = client.get("/health/workers/")

    assert first.status_code == again.status_code == 200
    assert json.loads(first.content) == {"default": "ok", "heavy": "ok"}
    assert [call.kwargs["queue"] for call in sent.call_args_list] == ["default", "heavy"]
    assert all(
        call.kwargs["expires"] == settings.HEALTH_WORKER_TIMEOUT for call in sent.call_args_list
    )


def test_a_queue_nobody_answers_is_a_503_naming_it(client, settings):
    settings.HEALTH_WORKER_TIMEOUT = 0.2

    class Unanswered:
        def get(self, timeout):
            raise TimeoutError

        def forget(self):
            pass

    real = ping.apply_async

    def send(*args, queue, **kwargs):
        return Unanswered() if queue == "heavy" else real(*args, queue=queue, **kwargs)

    with mock.patch.object(ping, "apply_async", side_effect=send):
        response = client.get("/health/workers/")

    assert response.status_code == 503
    assert json.loads(response.content) == {"default": "ok", "heavy": "no answer within 0.2 s"}


def test_a_broker_that_is_down_is_a_503(client):
    with mock.patch.object(ping, "apply_async", side_effect=BrokerError("connection refused")):
        response = client.get("/health/workers/")

    assert response.status_code == 503
    assert json.loads(response.content) == {
        "default": "broker unavailable",
        "heavy": "broker unavailable",
    }


# --- the queues ---------------------------------------------------------------------------------


@pytest.fixture
def tasks_loaded():
    app.loader.import_default_modules()  # every app's tasks module, as a worker loads them


def queue_of(task_name: str) -> str:
    route = app.amqp.router.route({}, task_name)
    return route["queue"].name


@pytest.mark.parametrize("name", settings.HEAVY_TASKS)
def test_long_jobs_go_to_the_heavy_queue(tasks_loaded, name):
    assert name in app.tasks  # a renamed task would silently fall back to `default`
    assert queue_of(name) == "heavy"


@pytest.mark.parametrize(
    "name",
    [
        "inspections.remind_self_checks",
        "inspections.notify_overdue_hazards",
        "disputes.daily_deadlines",
        "communities.send_registration_notices",
        "reports.build_monthly_reports",
        "communities.resend_pending_exports",
    ],
)
def test_reminders_and_the_rest_go_to_the_default_queue(tasks_loaded, name):
    assert name in app.tasks
    assert queue_of(name) == "default"


def test_every_queue_is_one_a_worker_of_the_procfile_consumes():
    from honcho.environ import parse_procfile

    procfile = parse_procfile((settings.BASE_DIR / "Procfile").read_text())
    workers = {
        name: command
        for name, command in procfile.processes.items()
        if " worker " in f" {command} "
    }
    consumed = [command.split(" -Q ")[1].split()[0] for command in workers.values()]

    assert sorted(consumed) == sorted(settings.WORKER_QUEUES)
    beats = [name for name, command in procfile.processes.items() if " beat" in command]
    assert beats == ["beat"]  # exactly one beat
    assert procfile.processes["web"].startswith("gunicorn config.wsgi")
