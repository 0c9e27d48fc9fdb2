"""``pyseg serve``: the web form on a local port."""

from __future__ import annotations

import argparse
import errno
import ipaddress
import re
import socket
import sys
from typing import Any

from pyseg._errors import ExitCode, InputError
from pyseg._model import load_or_fit
from pyseg._web import create_app
from pyseg.cli._args import add_command, add_model_arguments, integer, say_notice

DESCRIPTION = """\
Start a local web page with the customer form: type an income and a spending score and see the
segment, its description and the cluster plot with the customer marked. Programs POST income and
score (form fields or a JSON object) to /api/predict and get JSON: segment, name, description,
center, distance, warnings. Listens on 127.0.0.1 only, unless --allow-remote is given. Stop it
with Ctrl-C.

exit status: 0 stopped by Ctrl-C, 2 bad input or usage (e.g. the port is taken)
"""
#: Connections the kernel queues while every server thread is busy (Werkzeug's own default).
LISTEN_BACKLOG = 128
#: An ANSI colour or style code, as Werkzeug puts around a request line.
ANSI_CODE = re.compile(r"\x1b\[[0-9;]*m")


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = add_command(subparsers, "serve", DESCRIPTION)
    add_model_arguments(parser)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=integer(0, 65535, " (0: any free port)"), default=8000,
                        help="port (default 8000; 0: any)")
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host other than loopback (anyone who can reach it can use the form)",
    )
    parser.set_defaults(func=run)
    return parser


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def listen(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` and listening, or :class:`InputError` saying why not.

    The family is Werkzeug's choice (IPv6 when ``host`` holds a colon), so the socket can be its
    ``fd``. Binding here keeps every failure (unknown name, port in use, foreign address) one
    ``pyseg: error:`` line with exit 2, where Werkzeug prints its own text and exits 1.
    """
    bare = host.strip("[]")
    family = socket.AF_INET6 if ":" in bare else socket.AF_INET
    try:
        address = socket.getaddrinfo(bare, port, family, socket.SOCK_STREAM,
                                     socket.IPPROTO_TCP)[0][4]
    except (socket.gaierror, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, socket.gaierror) else str(exc)
        raise InputError(
            f"--host {host}: cannot resolve this address ({reason}): give an IP address or "
            "a host name this machine knows"
        ) from None
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(LISTEN_BACKLOG)
    except OSError as exc:
        sock.close()
        raise InputError(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}): choose another --port"
            + ("" if exc.errno == errno.EADDRINUSE else " or --host")
        ) from None
    return sock


def _request_handler() -> Any:
    """Werkzeug's request handler, with colour codes in its log lines only for a terminal:
    Werkzeug colours them whatever stderr is (only colorama, if installed, strips them)."""
    from werkzeug.serving import WSGIRequestHandler

    class RequestHandler(WSGIRequestHandler):
        def log(self, type: str, message: str, *args: Any) -> None:
            if not sys.stderr.isatty():
                args = tuple(ANSI_CODE.sub("", a) if isinstance(a, str) else a for a in args)
            super().log(type, message, *args)

    return RequestHandler


def run(args: argparse.Namespace) -> int:
    from werkzeug.serving import make_server

    if not is_loopback(args.host) and not args.allow_remote:
        raise InputError(
            f"--host {args.host} is not a loopback address: the form would be reachable from "
            "other machines; add --allow-remote if that is what you want"
        )
    if args.model and (args.data or args.columns):
        raise InputError("--model already fixes the data: give either --model or --data/--columns")
    # Listen before loading or fitting the model: a taken port fails at once.
    sock = listen(args.host, args.port)
    if not is_loopback(args.host):
        print(
            f"pyseg: warning: serving on {args.host}, reachable from other machines; the form "
            "has no authentication",
            file=sys.stderr,
        )
    try:
        model, notice = load_or_fit(args.model, args.data, args.columns, args.k)
        say_notice(notice)
        server = make_server(args.host, args.port, create_app(model), threaded=True,
                             request_handler=_request_handler(), fd=sock.fileno())
    finally:
        sock.close()  # the server holds its own duplicate of the descriptor
    host = f"[{args.host.strip('[]')}]" if ":" in args.host else args.host
    print(f"pyseg: serving the form on http://{host}:{server.port}/ (Ctrl-C to stop)",
          flush=True)
    try:
        server.serve_forever()  # werkzeug returns from here on Ctrl-C
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    print("pyseg: stopped", file=sys.stderr)
    return ExitCode.OK
