"""``govinspect sandbox serve``: run a simulated prefecture in the foreground."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from govinspect.sandbox.api import Sandbox
from govinspect.sandbox.scenario import ScenarioError

DEFAULT_PORT = 8061


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("sandbox", help="simulated prefecture (模拟州): local websites and platforms")
    sub = parser.add_subparsers(dest="sandbox_command", required=True, metavar="SUBCOMMAND")
    serve = sub.add_parser("serve", help="serve a scenario in the foreground until Ctrl-C / SIGTERM")
    serve.add_argument("--scenario", default="small", help="scenario name (include/scenarios/<name>.yaml) or path")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT,
                       help=f"port on every host address (default {DEFAULT_PORT}; 0 = ephemeral per host)")
    serve.add_argument("--host-prefix", default="127.61", help="address block in 127.0.0.0/8 (default 127.61)")
    serve.set_defaults(func=serve_command)

    replay = sub.add_parser("replay-probes",
                            help="replay the week of hourly availability probes before the monitoring point")
    replay.add_argument("--scenario", default="small", help="scenario name or path")
    replay.add_argument("--days", type=int, default=7, help="days before the monitoring point (default 7)")
    replay.add_argument("--per-day", type=int, default=24, help="probes a day (default 24, the DAG's hourly schedule)")
    replay.set_defaults(func=replay_command)


def sh_quote(value: str) -> str:
    """Always single-quoted, safe to paste into a POSIX shell."""
    return "'" + value.replace("'", "'\"'\"'") + "'"


def summary_lines(sandbox: Sandbox) -> list[str]:
    sc = sandbox.scenario
    lines = [f"# 模拟州 scenario '{sc.name}', monitoring point {sc.monitoring_point}, "
             f"{len(sc.sites)} sites, {len(sc.accounts)} accounts"]
    for site in sc.sites:
        lines.append(f"#   {sandbox.site_urls[site.site_id]}/  {site.site_name} ({site.level}, {site.cms}, "
                     f"{site.encoding}, {len(site.columns)} columns)")
    for code, url in sandbox.platform_urls.items():
        n = sum(1 for a in sc.accounts if a.connector == code)
        lines.append(f"#   {url}  {code} emulator ({n} accounts)")
    lines.append(f"# inventory: {sandbox.inventory_dir}")
    lines.append("# Ctrl-C or SIGTERM stops it.")
    return lines


def serve_command(args: argparse.Namespace) -> int:
    try:
        sandbox = Sandbox(args.scenario, port=args.port, host_prefix=args.host_prefix)
    except (ScenarioError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 2
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        try:
            sandbox.start()
        except OSError as exc:
            print(exc, file=sys.stderr)
            return 1
        for name, value in sandbox.env().items():
            print(f"export {name}={sh_quote(value)}")
        print("\n".join(summary_lines(sandbox)), flush=True)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        return 0
    finally:
        sandbox.stop()
        signal.signal(signal.SIGTERM, previous)


def replay_command(args: argparse.Namespace) -> int:
    from govinspect.sandbox.replay import replay_probes

    try:
        with Sandbox(args.scenario, port=0) as sandbox:
            summary = replay_probes(sandbox, days=args.days, per_day=args.per_day)
    except (ScenarioError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"{summary['rounds']} probe rounds × {summary['sites']} sites ({summary['from']} … {summary['to']}) "
          f"in {summary['seconds']} s: {summary['outcomes']}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m govinspect.sandbox")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["sandbox", *(argv if argv is not None else sys.argv[1:])])
    return int(args.func(args) or 0)
