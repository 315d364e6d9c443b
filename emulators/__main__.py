"""``python -m emulators``: start the Symphony and SoftwareOne emulators on 127.0.0.1."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from pathlib import Path

from .server import EmulatorServer
from .store import DocumentStore
from .swo import SwoApi
from .symphony import SymphonyApi, load_bot_keys


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m emulators", description=__doc__)
    p.add_argument("--symphony-port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--swo-port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--data-dir", default=".local/emulators", help="where the SQLite state lives")
    p.add_argument("--memory", action="store_true", help="keep state in memory only")
    p.add_argument("--symphony-bot", action="append", default=[], metavar="USER=PUBLIC_KEY.pem",
                   help="a service account allowed to log in with its RSA key (repeatable)")
    p.add_argument("--symphony-session-token", action="append", default=[], metavar="TOKEN",
                   help="a static session token the pod accepts (repeatable)")
    p.add_argument("--swo-token", action="append", default=[], metavar="TOKEN",
                   help="an API token the Marketplace accepts (repeatable)")
    p.add_argument("--latency-ms", type=float, default=0.0, help="added to every API request")
    p.add_argument("--tls-cert", metavar="CHAIN.pem", help="serve HTTPS with this certificate chain (with --tls-key)")
    p.add_argument("--tls-key", metavar="KEY.pem", help="the private key of --tls-cert")
    p.add_argument("--info-file", help="write {symphony, swo, pid} as JSON here once listening")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    data = Path(args.data_dir)

    if bool(args.tls_cert) != bool(args.tls_key):
        build_parser().error("--tls-cert and --tls-key go together")
    tls = (args.tls_cert, args.tls_key) if args.tls_cert else None

    def store(name: str) -> DocumentStore:
        return DocumentStore(":memory:" if args.memory else data / f"{name}.sqlite3")

    symphony = EmulatorServer(
        SymphonyApi(store("symphony"), load_bot_keys(args.symphony_bot), args.symphony_session_token, args.latency_ms),
        args.symphony_port, tls=tls,
    ).start()
    swo = EmulatorServer(SwoApi(store("swo"), args.swo_token, args.latency_ms), args.swo_port, tls=tls).start()
    info = {"symphony": symphony.url, "swo": swo.url, "pid": os.getpid()}
    if args.info_file:
        Path(args.info_file).parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(args.info_file + ".tmp")
        tmp.write_text(json.dumps(info))
        tmp.replace(args.info_file)
    print(json.dumps(info), flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    symphony.stop()
    swo.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
