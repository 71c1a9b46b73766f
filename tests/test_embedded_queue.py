"""The embedded database's requests queue on one lock of the process
(``EmbeddedOneAtATimeMiddleware``), in the settings only when the database is SQLite."""

import threading
import time

from django.conf import settings

from communities.middleware import EmbeddedOneAtATimeMiddleware

NAME = "communities.middleware.EmbeddedOneAtATimeMiddleware"


def test_requests_run_one_at_a_time_and_each_gets_its_own_answer():
    inside, overlaps, done = [0], [], []
    lock = threading.Lock()

    def view(request):
        with lock:
            inside[0] += 1
            overlaps.append(inside[0])
        time.sleep(0.01)
        with lock:
            inside[0] -= 1
        return request

    middleware = EmbeddedOneAtATimeMiddleware(view)
    threads = [threading.Thread(target=lambda n=n: done.append(middleware(n))) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(done) == list(range(12))  # every request answered, with its own response
    assert max(overlaps) == 1  # never two inside at once


def test_only_the_embedded_database_queues_requests():
    sqlite = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert (NAME in settings.MIDDLEWARE) is sqlite
    if sqlite:  # before the session is read: everything that touches the database is inside
        position = settings.MIDDLEWARE.index(NAME)
        session = settings.MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware")
        assert position == session - 1
