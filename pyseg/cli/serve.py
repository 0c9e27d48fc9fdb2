"""``pyseg serve``: the web form on a local port."""

from __future__ import annotations

import argparse
import ipaddress
import sys

from pyseg._errors import ExitCode, InputError
from pyseg._model import load_or_fit
from pyseg._web import create_app
from pyseg.cli._args import add_data_arguments, integer, positive_int, say_notice

DESCRIPTION = """\
Start a local web page with the customer form: type an income and a spending score and see the
segment, its description and the cluster plot with the customer marked. Listens on 127.0.0.1 only,
unless --allow-remote is given. Stop it with Ctrl-C.

exit status: 0 stopped by Ctrl-C, 2 bad input or usage (e.g. the port is taken)
"""


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "serve",
        help="start the web form for classifying customers on a local port",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_data_arguments(parser)
    parser.add_argument("--model", metavar="FILE", help="use a model saved by `pyseg fit --save`")
    parser.add_argument(
        "--k", type=positive_int, default=5, help="number of segments when fitting (default 5)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument(
        "--port",
        type=integer(0, 65535, " (0: any free port)"),
        default=8000,
        help="port (default 8000; 0: any)",
    )
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


def run(args: argparse.Namespace) -> int:
    from werkzeug.serving import make_server

    if not is_loopback(args.host):
        if not args.allow_remote:
            raise InputError(
                f"--host {args.host} is not a loopback address: the form would be reachable from "
                "other machines; add --allow-remote if that is what you want"
            )
        print(
            f"pyseg: warning: serving on {args.host}, reachable from other machines; the form "
            "has no authentication",
            file=sys.stderr,
        )
    if args.model and (args.data or args.columns):
        raise InputError("--model already fixes the data: give either --model or --data/--columns")
    model, notice = load_or_fit(args.model, args.data, args.columns, args.k)
    say_notice(notice)
    app = create_app(model)
    try:
        server = make_server(args.host, args.port, app, threaded=True)
    except OSError as exc:
        raise InputError(
            f"cannot listen on {args.host}:{args.port} ({exc.strerror or exc}): "
            "choose another --port"
        ) from None
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"pyseg: serving the form on http://{host}:{server.server_port}/ (Ctrl-C to stop)",
          flush=True)
    try:
        server.serve_forever()  # werkzeug returns from here on Ctrl-C
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    print("pyseg: stopped", file=sys.stderr)
    return ExitCode.OK
