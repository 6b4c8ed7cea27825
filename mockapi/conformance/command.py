"""``mockapi conformance``: run the suite against a target and print the summary table."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "conformance", help="run the conformance suite (in-process fake, any base URL, or the real API)",
        description="Run the conformance scenarios with the official SDK and the reference client, check every "
        "response against the official contract, and print a summary. Exit code 1 on any failure.",
    )
    parser.add_argument("--base-url", help="server to test, e.g. http://127.0.0.1:4010/v1 (default: an "
                        "in-process fake)")
    parser.add_argument("--api-key", help="API key to send (default: $OPENAI_API_KEY, else a dummy key)")
    parser.add_argument("--real-api", action="store_true",
                        help="test https://api.openai.com/v1 (costs money; needs OPENAI_API_KEY)")
    parser.add_argument("--client", choices=["sdk", "reference", "both"], default="both",
                        help="which client(s) run the scenarios (default both)")
    parser.add_argument("-k", dest="keyword", help="only scenarios matching this pytest -k expression")
    parser.add_argument("--json", dest="json_path", help="also write the results as JSON to this file")
    parser.add_argument("--no-fail-on-violations", action="store_true",
                        help="report contract violations without failing (a drift report)")
    parser.add_argument("-v", "--verbose", action="store_true", help="pytest's verbose output and tracebacks")


def run(args: argparse.Namespace) -> int:
    import importlib.util

    missing = [name for name in ("pytest", "openai") if importlib.util.find_spec(name) is None]
    if missing:
        print(f"mockapi conformance needs {' and '.join(missing)}: pip install 'mockapi[test]'", file=sys.stderr)
        return 2
    from mockapi.conformance import runner, targets

    try:
        if args.real_api:
            target = targets.real_api(args.api_key, allow=True, base_url=args.base_url or targets.REAL_BASE_URL)
        elif args.base_url:
            target = targets.url(args.base_url, args.api_key)
        else:
            target = targets.in_process()
    except targets.TargetError as exc:
        print(f"mockapi conformance: {exc}", file=sys.stderr)
        return 2
    clients = ("sdk", "reference") if args.client == "both" else (args.client,)
    try:
        report = runner.run(target, clients=clients, keyword=args.keyword, verbose=args.verbose)
    finally:
        target.close()
    print()
    print(report.table())
    if args.json_path:
        report.write_json(args.json_path)
    return 0 if report.ok(fail_on_violations=not args.no_fail_on_violations) else 1
