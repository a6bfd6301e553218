"""Operator commands over the bus: `python -m services.admin rebuild-statistics | parked | tracking`."""
import argparse
import json
import os

import shared  # noqa: F401
from nameko.standalone.rpc import ClusterRpcProxy

COMMANDS = {
    "rebuild-statistics": lambda rpc: rpc.reporting.rebuild(),
    "tracking": lambda rpc: rpc.reporting.tracking(),
    "parked": lambda rpc: {"intake": rpc.intake.parked_events(), "dispatch": rpc.dispatch.parked_events()},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=sorted(COMMANDS))
    args = parser.parse_args()
    config = {"AMQP_URI": os.environ.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672/")}
    with ClusterRpcProxy(config, timeout=600) as rpc:
        print(json.dumps(COMMANDS[args.command](rpc), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
