"""Test harness: the emulators as a real process, and isolated Pulumi projects run with the real CLI."""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from emulators.control import EmulatorControl

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
PROJECT_FILES = ("Pulumi.yaml", "__main__.py", "program", "providers", "requirements.txt", ".venv")
PULUMI_TIMEOUT = 600


def pulumi_bin() -> Path:
    """The folder of the project's Pulumi CLI (scripts/install-pulumi.sh prints it; cached after the first run)."""
    env_bin = os.environ.get("USERGROUPS_PULUMI_BIN")
    if env_bin and (Path(env_bin) / "pulumi").exists():
        return Path(env_bin)
    out = subprocess.run(["bash", str(ROOT / "scripts" / "install-pulumi.sh")], capture_output=True, text=True,
                         timeout=3600)
    if out.returncode != 0:
        raise RuntimeError(f"cannot install the Pulumi CLI: {out.stderr.strip().splitlines()[-1:]}")
    return Path(out.stdout.strip())


def default_signals() -> None:
    """Run in each child before exec: SIGINT and SIGQUIT back to their defaults.

    A command started in the background of a non-interactive shell inherits SIGINT as
    ignored; the CLI stops its language host with SIGINT and waits five seconds for it
    to exit, so every program run would otherwise take five seconds longer.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class BotKey:
    """A service account's RSA key pair, written to files."""

    username: str
    private_pem: str
    private_path: Path
    public_path: Path


def make_bot_key(folder: Path, username: str = "test-bot") -> BotKey:
    folder.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
    priv, pub = folder / f"{username}.pem", folder / f"{username}.pub.pem"
    priv.write_text(private_pem)
    pub.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo))
    return BotKey(username, private_pem, priv, pub)


@dataclass(frozen=True)
class TlsFiles:
    """A test certificate authority and a server certificate it issued for 127.0.0.1 and localhost."""

    ca: Path
    chain: Path
    key: Path


def make_tls(folder: Path, name: str = "Test CA") -> TlsFiles:
    """Made at run time by trustme; nothing here is a real authority."""
    import trustme

    folder.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA(organization_name=name)
    cert = ca.issue_cert("127.0.0.1", "localhost")
    files = TlsFiles(folder / "ca.pem", folder / "server-chain.pem", folder / "server-key.pem")
    ca.cert_pem.write_to_path(str(files.ca))
    cert.private_key_pem.write_to_path(str(files.key))
    with open(files.chain, "wb") as out:
        for blob in cert.cert_chain_pems:
            out.write(blob.bytes())
    return files


class Emulators:
    """Both emulators in one child process on fixed free ports, restartable with their state."""

    def __init__(self, workdir: Path, bot: BotKey, swo_token: str, session_token: str, latency_ms: float = 0,
                 tls: "TlsFiles | None" = None) -> None:
        self.workdir = workdir
        self.bot, self.swo_token, self.session_token = bot, swo_token, session_token
        self.latency_ms = latency_ms
        self.tls = tls
        self.symphony_port, self.swo_port = free_port(), free_port()
        self._proc: subprocess.Popen[bytes] | None = None
        verify: str | bool = str(tls.ca) if tls else True
        self.symphony = EmulatorControl(self.symphony_url, verify=verify)
        self.swo = EmulatorControl(self.swo_url, verify=verify)

    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"

    @property
    def symphony_url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.symphony_port}"

    @property
    def swo_url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.swo_port}"

    def start(self) -> "Emulators":
        info = self.workdir / "emulators.json"
        self.workdir.mkdir(parents=True, exist_ok=True)
        info.unlink(missing_ok=True)
        self._proc = subprocess.Popen(
            [str(PYTHON), "-m", "emulators", "--symphony-port", str(self.symphony_port), "--swo-port", str(self.swo_port),
             "--data-dir", str(self.workdir / "data"), "--symphony-bot", f"{self.bot.username}={self.bot.public_path}",
             "--symphony-session-token", self.session_token, "--swo-token", self.swo_token,
             "--latency-ms", str(self.latency_ms), "--info-file", str(info),
             *(["--tls-cert", str(self.tls.chain), "--tls-key", str(self.tls.key)] if self.tls else [])],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(self.workdir / "emulators.log", "ab"))
        deadline = time.time() + 20
        while not info.exists():
            if self._proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"emulators did not start: {(self.workdir / 'emulators.log').read_text()[-2000:]}")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self._proc and self._proc.poll() is None:
            self._proc.send_signal(signal.SIGTERM)
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
        self._proc = None

    def kill(self) -> None:
        """Stops the process abruptly, as a crash would."""
        if self._proc:
            self._proc.kill()
            self._proc.wait(10)
        self._proc = None

    def reset(self) -> None:
        for c in (self.symphony, self.swo):
            c.reset(state=True)
            c.settings(latency_ms=self.latency_ms)
        self.symphony.settings(unique_names=False, page_size=50)
        self.swo.settings(unique_names=False, null_total=False, default_limit=10)


@dataclass
class Result:
    """A finished CLI command."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def ok(self) -> "Result":
        assert self.returncode == 0, f"pulumi {' '.join(self.args)} failed ({self.returncode}):\n{self.output[-6000:]}"
        return self


class PulumiProject:
    """A throwaway copy of the project (files linked, own stacks/) with its own Pulumi home and backend."""

    def __init__(self, base: Path, stack: str = "test", passphrase: str = "test-passphrase",
                 program: Path | None = None, state_dir: Path | None = None, source_root: Path = ROOT,
                 python: Path = PYTHON, installed: bool = False) -> None:
        """``source_root``: the tree whose program and ``providers`` run (another release's export);
        ``program`` with ``installed``: a program of its own that uses ``providers`` as installed in
        ``python``'s environment, never the checkout's."""
        self.base = base
        self.dir = base / "project"
        self.dir.mkdir(parents=True, exist_ok=True)
        sources = {name: source_root / name for name in PROJECT_FILES if name != ".venv"}
        sources[".venv"] = ROOT / ".venv"
        if program is not None:  # another program that uses the providers package
            linked = {} if installed else {"providers": source_root / "providers", ".venv": ROOT / ".venv"}
            sources = {**linked, **{p.name: p for p in program.iterdir() if p.name != "__pycache__"}}
        for name, target in sources.items():
            link = self.dir / name
            if not link.exists() and (target.exists() or name == ".venv"):  # an older release may lack a folder
                link.symlink_to(target)
        (self.dir / "stacks").mkdir(exist_ok=True)
        self.stack = stack
        self.state_dir = state_dir or base / "state"
        self.home = base / "pulumi-home"
        self.state_dir.mkdir(parents=True, exist_ok=True)
        bin_dir = pulumi_bin()
        # A test sees no proxy or CA setting of the machine it runs on unless it sets one itself.
        network_vars = {"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy",
                        "NO_PROXY", "no_proxy", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"}
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("SWO_", "SYMPHONY_", "PULUMI_", "USERGROUPS_")) and k not in network_vars}
        env.update({
            "PATH": f"{bin_dir}:{ROOT / '.venv' / 'bin'}:{env.get('PATH', '/usr/bin:/bin')}",
            "PULUMI_HOME": str(self.home),
            "PULUMI_BACKEND_URL": f"file://{self.state_dir}",
            "PULUMI_CONFIG_PASSPHRASE": passphrase,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PULUMI_PYTHON_CMD": str(python),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        })
        self.env = env
        self.history: list[Result] = []

    @property
    def stack_file(self) -> Path:
        return self.dir / "stacks" / f"Pulumi.{self.stack}.yaml"

    def run(self, *args: str, timeout: float = PULUMI_TIMEOUT, env: dict[str, str] | None = None,
            stdin: str | None = None) -> Result:
        cmd = ["pulumi", *args, "--non-interactive"]
        if args[0] not in ("version", "login"):
            cmd += ["--stack", self.stack]
        # An explicit stdin: an inherited one (a pipe or a terminal) must never be waited on.
        proc = subprocess.run(cmd, cwd=self.dir, env={**self.env, **(env or {})}, capture_output=True, text=True,
                              timeout=timeout, input=stdin if stdin is not None else "", preexec_fn=default_signals)
        result = Result(list(args), proc.returncode, proc.stdout, proc.stderr)
        self.history.append(result)
        return result

    def start(self, *args: str) -> subprocess.Popen[str]:
        """Starts a command in the background (for faults injected while it runs)."""
        cmd = ["pulumi", *args, "--non-interactive", "--stack", self.stack]
        return subprocess.Popen(cmd, cwd=self.dir, env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, preexec_fn=default_signals)

    def init(self, config: dict[str, Any], secrets: dict[str, str] | None = None) -> "PulumiProject":
        """Creates the stack with plain ``config`` and ``secrets`` set with ``--secret``."""
        self.stack_file.unlink(missing_ok=True)
        proc = subprocess.run(["pulumi", "stack", "init", self.stack, "--non-interactive"], cwd=self.dir, env=self.env,
                              capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                              preexec_fn=default_signals)
        if proc.returncode != 0 and "already exists" not in proc.stderr:
            raise RuntimeError(proc.stderr)
        self.configure(config, secrets)
        return self

    def configure(self, config: dict[str, Any], secrets: dict[str, str] | None = None) -> None:
        """Replaces the plain config (keeping secrets and the salt), then sets ``secrets``."""
        current = yaml.safe_load(self.stack_file.read_text()) if self.stack_file.exists() else {}
        current = current or {}
        kept = {k: v for k, v in (current.get("config") or {}).items() if isinstance(v, dict) and "secure" in v}
        current["config"] = {**kept, **config}
        self.stack_file.write_text(yaml.safe_dump(current, allow_unicode=True, sort_keys=False))
        for key, value in (secrets or {}).items():
            self.run("config", "set", "--secret", key, stdin=value).ok()  # stdin: never in a process list

    def set_groups(self, symphony: list[dict[str, Any]] | None = None, swo: list[dict[str, Any]] | None = None) -> None:
        config = yaml.safe_load(self.stack_file.read_text())
        if symphony is not None:
            config["config"]["usergroups:symphonyGroups"] = symphony
        if swo is not None:
            config["config"]["usergroups:swoGroups"] = swo
        self.stack_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))

    def up(self, *extra: str, env: dict[str, str] | None = None) -> Result:
        return self.run("up", "--yes", *extra, env=env)

    def preview(self, *extra: str, env: dict[str, str] | None = None) -> Result:
        return self.run("preview", *extra, env=env)

    def refresh(self, *extra: str, env: dict[str, str] | None = None) -> Result:
        return self.run("refresh", "--yes", "--skip-preview", *extra, env=env)

    def destroy(self, *extra: str, env: dict[str, str] | None = None) -> Result:
        return self.run("destroy", "--yes", "--skip-preview", *extra, env=env)

    def outputs(self) -> dict[str, Any]:
        return json.loads(self.run("stack", "output", "--json", "--show-secrets").ok().stdout or "{}")

    def export(self, show_secrets: bool = False) -> dict[str, Any]:
        args = ["stack", "export"] + (["--show-secrets"] if show_secrets else [])
        return json.loads(self.run(*args).ok().stdout)

    def resources(self, type_suffix: str = "") -> list[dict[str, Any]]:
        deployment = self.export(show_secrets=True).get("deployment", {})
        return [r for r in deployment.get("resources") or [] if r["type"].endswith(type_suffix)]

    def state_ids(self, type_suffix: str) -> set[str]:
        return {r["id"] for r in self.resources(type_suffix)}

    def provider_blobs(self) -> list[bytes]:
        """Every ``__provider`` blob in state, base64-decoded (the pickled providers)."""
        blobs = []
        for r in self.resources("UserGroup"):
            for props in (r.get("inputs", {}), r.get("outputs", {})):
                value = props.get("__provider")
                if isinstance(value, dict):  # a secret: {"4dabf18193072939515e22adb298388d": ..., "plaintext": ...}
                    value = json.loads(value.get("plaintext", "null")) if "plaintext" in value else value.get("value")
                if isinstance(value, str):
                    blobs.append(base64.b64decode(value))
        return blobs

    def cleanup(self) -> None:
        shutil.rmtree(self.base, ignore_errors=True)


def swo_group(key: str, name: str, account: str = "ACC-1234-5678", modules: list[str] | None = None,
              **extra: Any) -> dict[str, Any]:
    return {"key": key, "accountId": account, "name": name, "modules": modules or ["MOD-1756"], **extra}


def symphony_group(key: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "name": name, **extra}


def connection_config(emu: Emulators, bot: BotKey | None = None, mode: str = "rsa") -> dict[str, Any]:
    """Plain config pointing both connections at the emulators (secrets are set separately)."""
    config: dict[str, Any] = {"symphony:podUrl": emu.symphony_url, "swo:apiUrl": emu.swo_url,
                              "usergroups:symphonyGroups": [], "usergroups:swoGroups": []}
    if mode == "rsa" and bot is not None:
        config["symphony:botUsername"] = bot.username
    return config


class TinyProxy:
    """A real HTTP CONNECT proxy (Debian's tinyproxy) on loopback, with basic authentication."""

    def __init__(self, workdir: Path, user: str, password: str) -> None:
        self.workdir, self.user, self.password = workdir, user, password
        self.port = free_port()
        self.log = workdir / "tinyproxy.log"
        self._proc: subprocess.Popen[bytes] | None = None

    @staticmethod
    def available() -> str | None:
        return shutil.which("tinyproxy")

    @property
    def url(self) -> str:
        return f"http://{self.user}:{self.password}@127.0.0.1:{self.port}"

    def start(self) -> "TinyProxy":
        self.workdir.mkdir(parents=True, exist_ok=True)
        conf = self.workdir / "tinyproxy.conf"
        # No ConnectPort line: CONNECT is allowed to any port (the emulators' ports are random).
        conf.write_text(f'Port {self.port}\nListen 127.0.0.1\nTimeout 60\nLogFile "{self.log}"\nLogLevel Info\n'
                        f"MaxClients 64\nAllow 127.0.0.1\nBasicAuth {self.user} {self.password}\nDisableViaHeader Yes\n")
        self._proc = subprocess.Popen([self.available() or "tinyproxy", "-d", "-c", str(conf)],
                                      stdout=subprocess.DEVNULL, stderr=open(self.workdir / "tinyproxy.err", "ab"),
                                      stdin=subprocess.DEVNULL, preexec_fn=default_signals)
        deadline = time.time() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                if self._proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"tinyproxy did not start: {(self.workdir / 'tinyproxy.err').read_text()[-1000:]}")
                time.sleep(0.05)

    def tunnels(self) -> list[str]:
        """``host:port`` of every CONNECT the proxy was asked for."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return [line.split("CONNECT ", 2)[-1].split()[0] for line in text.splitlines()
                if "Request (file descriptor" in line and ": CONNECT " in line]

    def stop(self) -> None:
        if self._proc and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
        self._proc = None
