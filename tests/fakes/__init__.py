"""Local fake servers speaking providers' documented APIs on 127.0.0.1 (Stripe, Xendit,
Biteship, WhatsApp Cloud API, E-Smart IKM)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeServer:
    """What every fake shares: an HTTP server on 127.0.0.1 in a daemon thread whose requests
    go to ``self._handle(handler, method)``; ``url`` once started."""

    url: str
    server: ThreadingHTTPServer
    thread: threading.Thread

    def _handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        raise NotImplementedError

    def _serve(self, methods: tuple[str, ...] = ("GET", "POST"), port: int = 0, http11: bool = False):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            if http11:
                protocol_version = "HTTP/1.1"
                disable_nagle_algorithm = True  # headers and body leave at once, as from a real server

            def log_message(self, *args):  # quiet
                pass

        for method in methods:
            setattr(Handler, f"do_{method}", lambda h, m=method: fake._handle(h, m))
        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
