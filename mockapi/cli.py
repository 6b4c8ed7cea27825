"""``mockapi`` command line: ``serve`` the fake, run the ``conformance`` suite."""

from __future__ import annotations

import argparse
import gc
import signal
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    # Start-up builds a large, immortal object graph (the contract, every route): collecting while it grows only
    # re-walks it (~50-90 ms of a ~0.4 s start). `serve` freezes it and turns collection back on (tune_gc).
    gc.disable()
    try:
        return _run(argv)
    finally:
        gc.enable()


def _run(argv: Sequence[str] | None) -> int:
    parser = argparse.ArgumentParser(prog="mockapi", description="An offline, stateful fake of the OpenAI API.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the fake over HTTP (in-memory state)")
    serve.add_argument("--host", default=None, help="bind address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default 4010)")
    serve.add_argument("--config", default=None, help="YAML or JSON config file")
    serve.add_argument("--validate-responses", action="store_true", help="check every response against the contract")
    serve.add_argument("--manual-clock", action="store_true", help="freeze time until advanced via the control plane")
    serve.add_argument("--no-control-plane", action="store_true", help="hide /__mockapi__ (behave like the real API)")

    from mockapi.conformance.command import add_parser as add_conformance

    add_conformance(commands)

    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve_command(args)
    if args.command == "conformance":
        from mockapi.conformance.command import run as conformance_command

        gc.enable()
        return conformance_command(args)
    return 2


def serve_command(args: argparse.Namespace) -> int:
    import uvicorn

    from mockapi.config import Config
    from mockapi.fake import Fake
    from mockapi.server import UVICORN_SETTINGS, tune_gc

    overrides = {"host": args.host, "port": args.port}
    config = Config.from_file(args.config, **overrides) if args.config else Config()
    if args.host:
        config.host = args.host
    if args.port:
        config.port = args.port
    if args.validate_responses:
        config.validate_responses = True
    if args.manual_clock:
        config.manual_clock = True
    if args.no_control_plane:
        config.control_plane = False
    fake = Fake(config)
    tune_gc(collect=False)  # collection has been off since main(): there is nothing worth collecting
    # uvicorn handles SIGINT/SIGTERM for a graceful shutdown, then re-raises the signal to the
    # previous handler; a no-op there makes Ctrl-C / SIGTERM end with "stopped" and exit code 0.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: None)
    print(f"mockapi: serving the OpenAI API fake at http://{config.host}:{config.port}/v1", flush=True)
    print(f"mockapi: set OPENAI_BASE_URL=http://{config.host}:{config.port}/v1 (any API key)", flush=True)
    uvicorn.run(
        fake.app,
        host=config.host,
        port=config.port,
        loop="uvloop",
        http="httptools",
        timeout_graceful_shutdown=2,
        **UVICORN_SETTINGS,
    )
    print("mockapi: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
