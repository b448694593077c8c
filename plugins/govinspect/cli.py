"""Command line: ``govinspect <command>`` (also ``python -m govinspect``).

Each area registers its own subcommands through a ``register(subparsers)`` function; see ``COMMANDS``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

# module path -> its register(subparsers) adds one or more subcommands
COMMANDS: tuple[str, ...] = (
    "govinspect.sandbox.cli",
    "govinspect.commands",
    "govinspect.distributed",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govinspect", description="政府网站与政务新媒体检查 — inspection pipeline tools"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        importlib.import_module(module).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
