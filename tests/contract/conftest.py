"""A live server for the contract tests that shares the test's database connection.

The server runs in a thread and answers one request at a time on the test's own connection, inside
the test's transaction: whatever a run creates, changes or deletes is rolled back when the test ends,
so every role starts from the same data and no other test sees what fuzzing wrote.
"""

import logging
import threading

import pytest
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connections


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def live_api(db, settings, tmp_path):
    """The port of a live server on the test's connection (single-threaded: requests never overlap).
    Uploaded files go to a temporary folder: storage is the one thing the rollback would not undo."""
    settings.MEDIA_ROOT = str(tmp_path)
    connection = connections["default"]
    # Django closes "old" connections around each request; in the test's transaction that would
    # end the transaction, exactly what django.test.Client avoids the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    connection.inc_thread_sharing()
    # Thousands of expected 404s and 400s would each be logged as a warning; server errors still are.
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)
    server = WSGIServer(("127.0.0.1", 0), _QuietHandler, allow_reuse_address=True)
    server.set_app(get_wsgi_application())

    def serve():
        connections["default"] = connection
        server.serve_forever(poll_interval=0.05)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        connection.dec_thread_sharing()
        request_log.setLevel(level)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
