"""Start every process of the help desk on this machine, and stop them together.

    python -m tools.stack            # what `make run` does after set-up

Order: the catalogue (demo data when empty), the action server, Rasa (API on
loopback, token required), then the gateway. Ctrl-C stops them all. The
processes get the same settings; RASA_TOKEN is random per start when unset.
"""
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from bot.settings import ROOT, Settings
from tools.model import train

PYTHON_BIN = Path(sys.executable).parent


def tracker_store_config(url: str) -> Dict[str, object]:
    """Rasa's SQLTrackerStore settings from an SQLAlchemy URL."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    config: Dict[str, object] = {"type": "SQL", "dialect": parsed.drivername.split("+")[0],
                                 "db": parsed.database}
    if parsed.host:
        config["url"] = parsed.host
    if parsed.port:
        config["port"] = parsed.port
    if parsed.username:
        config["username"] = parsed.username
    if parsed.password:
        config["password"] = parsed.password
    return config


@dataclass
class Stack:
    """The processes of one deployment on this machine."""

    settings: Settings
    rasa_port: int = 5005
    actions_port: int = 5055
    model: Optional[Path] = None
    log_dir: Optional[Path] = None
    processes: Dict[str, subprocess.Popen] = field(default_factory=dict)
    # More instances of Rasa and of the gateway (scale-out tests): their ports.
    extra_rasa_ports: List[int] = field(default_factory=list)
    extra_gateway_ports: List[int] = field(default_factory=list)

    @property
    def rasa_ports(self) -> List[int]:
        return [self.rasa_port, *self.extra_rasa_ports]

    @property
    def gateway_ports(self) -> List[int]:
        return [self.settings.port, *self.extra_gateway_ports]

    def environment(self) -> Dict[str, str]:
        s = self.settings
        return {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TOKEN": s.rasa_token,
                "HELPDESK_SECRET": s.secret, "DATABASE_URL": s.database_url,
                "TRACKER_STORE_URL": s.tracker_store_url,
                "HELPDESK_VAR_DIR": str(s.var_dir),
                "RASA_URLS": ",".join(f"http://127.0.0.1:{port}" for port in self.rasa_ports),
                **({"REDIS_URL": s.redis_url} if s.redis_url else {}),
                **{name: value for name, value in (
                    ("TELEGRAM_BOT_TOKEN", s.telegram_bot_token),
                    ("TELEGRAM_BASE_URL", s.telegram_base_url),
                    ("TELEGRAM_WEBHOOK_URL", s.telegram_webhook_url),
                    ("TELEGRAM_WEBHOOK_SECRET", s.telegram_webhook_secret)) if value},
                "ACTIONS_URL": f"http://127.0.0.1:{self.actions_port}",
                "HELPDESK_HOST": s.host, "HELPDESK_PORT": str(s.port),
                "SANIC_HOST": "127.0.0.1",  # the action server listens on loopback only
                "RASA_TELEMETRY_ENABLED": "false",  # nothing leaves the deployment
                "TF_CPP_MIN_LOG_LEVEL": "2"}

    def write_rasa_config(self) -> Path:
        s = self.settings
        endpoints = {
            "action_endpoint": {"url": f"http://127.0.0.1:{self.actions_port}/webhook"},
            "nlg": {"url": f"http://{s.host if s.host not in ('0.0.0.0', '::') else '127.0.0.1'}:{s.port}/nlg",
                    "token": s.rasa_token},
            "tracker_store": tracker_store_config(s.tracker_store_url),
        }
        if s.redis_url:
            from urllib.parse import urlparse
            redis = urlparse(s.redis_url)
            endpoints["lock_store"] = {"type": "redis", "url": redis.hostname,
                                       "port": redis.port or 6379,
                                       "db": int((redis.path or "/0").strip("/") or 0)}
        config_dir = s.var_dir / "rasa"
        config_dir.mkdir(parents=True, exist_ok=True)
        (config_dir / "endpoints.yml").write_text(yaml.safe_dump(endpoints))
        (config_dir / "endpoints.yml").chmod(0o600)  # holds the token
        (config_dir / "credentials.yml").write_text(yaml.safe_dump(
            {"rasa_ext.token_rest_channel.TokenRestInput": {"token": s.rasa_token}}))
        (config_dir / "credentials.yml").chmod(0o600)
        return config_dir

    def _start(self, name: str, command: List[str], environment: Optional[Dict[str, str]] = None) -> None:
        log = None
        if self.log_dir:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            log = open(self.log_dir / f"{name}.log", "wb")
        print(f"starting {name}", flush=True)
        self.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=environment or self.environment(), stdout=log, stderr=subprocess.STDOUT if log else None,
            start_new_session=True)

    def start(self) -> None:
        subprocess.run([str(PYTHON_BIN / "python"), "-m", "services_catalog", "ensure-demo"],
                       cwd=ROOT, env=self.environment(), check=True)
        self.write_rasa_config()
        self.model = self.model or train()
        self.start_actions()
        for index in range(len(self.rasa_ports)):
            self.start_rasa(index)
        for index in range(len(self.gateway_ports)):
            self.start_gateway(index)

    def start_gateway(self, index: int = 0) -> None:
        name = "gateway" if index == 0 else f"gateway{index + 1}"
        environment = {**self.environment(), "HELPDESK_PORT": str(self.gateway_ports[index])}
        self._start(name, [str(PYTHON_BIN / "python"), "-m", "bot", "serve"], environment)

    def start_actions(self) -> None:
        self._start("actions", [str(PYTHON_BIN / "rasa"), "run", "actions", "--actions", "actions",
                                "--port", str(self.actions_port)])

    def start_rasa(self, index: int = 0) -> None:
        config_dir = self.settings.var_dir / "rasa"
        name = "rasa" if index == 0 else f"rasa{index + 1}"
        self._start(name, [str(PYTHON_BIN / "rasa"), "run", "--enable-api",
                           "--interface", "127.0.0.1", "--port", str(self.rasa_ports[index]),
                             "--auth-token", self.settings.rasa_token, "--model", str(self.model),
                             "--endpoints", str(config_dir / "endpoints.yml"),
                             "--credentials", str(config_dir / "credentials.yml"),
                             "--quiet"])

    def kill(self, name: str) -> None:
        """Stop one process at once (fault-injection tests)."""
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def gateway_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.port}"

    def wait_healthy(self, timeout: float = 300.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(f"the {name} process stopped early")
            if all(self._healthy(f"http://{self.settings.host}:{port}") for port in self.gateway_ports):
                return True
            time.sleep(1)
        return False

    @staticmethod
    def _healthy(url: str) -> bool:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=3) as answer:
                return answer.status == 200
        except (urllib.error.URLError, ConnectionError, OSError):
            return False

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.processes.clear()


def main() -> int:
    settings = Settings.from_env()
    settings.rasa_token = settings.rasa_token or secrets.token_urlsafe(24)
    stack = Stack(settings, log_dir=settings.var_dir / "logs")
    try:
        stack.start()
        print("waiting for Rasa to load the model…", flush=True)
        if not stack.wait_healthy():
            print(f"the stack did not become healthy; see {settings.var_dir / 'logs'}", flush=True)
            return 1
        url = stack.gateway_url()
        print(f"\nThe help desk is running. Health: {url}/healthz\n"
              f"Chat in this terminal:  .venv/bin/python -m tools.chat\n"
              f"Or in a web page:       {url}/widget-demo\n"
              f"Or any HTTP client:     curl -s -X POST {url}/api/chat/demo/messages "
              f"-H 'Content-Type: application/json' -d '{{\"text\": \"bonjour\"}}'\n"
              f"Logs: {settings.var_dir / 'logs'}. Ctrl-C stops everything.", flush=True)
        while all(p.poll() is None for p in stack.processes.values()):
            time.sleep(1)
        print("a process stopped; stopping the others", flush=True)
        return 1
    except KeyboardInterrupt:
        print("\nstopping…", flush=True)
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
