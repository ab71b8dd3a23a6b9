"""A local HTTP server standing in for the WeCom and DingTalk robots: it records every request it
receives (path, query, JSON body) and answers with the queued statuses (200 and errcode 0 after)."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    path: str
    query: dict
    body: dict


@dataclass
class RobotServer:
    received: list = field(default_factory=list)
    answers: list = field(default_factory=list)  # statuses to answer with first, e.g. [500, 500]
    port: int = 0

    def url(self, path: str = "/cgi-bin/webhook/send", query: str = "key=robot-key-1234") -> str:
        return f"http://127.0.0.1:{self.port}{path}?{query}"


def start() -> tuple[RobotServer, ThreadingHTTPServer]:
    state = RobotServer()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            parts = urlsplit(self.path)
            state.received.append(
                Received(path=parts.path, query=parse_qs(parts.query), body=json.loads(raw.decode("utf-8")))
            )
            status = state.answers.pop(0) if state.answers else 200
            body = json.dumps({"errcode": 0 if status == 200 else 1, "errmsg": "ok"}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return state, server
