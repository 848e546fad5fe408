"""Start, stop and restart the simulators as subprocesses on loopback ports (tests, demos)."""
from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Process:
    name: str
    port: int
    args: list[str]
    secret: str
    log: Path
    popen: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 10.0):
        command = [sys.executable, "-m", f"simulators.{self.name}", "--port", str(self.port),
                   "--secret", self.secret, "--log", str(self.log), *self.args]
        self.popen = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/_sim/health", timeout=0.5) as response:
                    if response.status == 200:
                        return
            except OSError:
                if self.popen.poll() is not None:
                    raise RuntimeError(f"simulator {self.name} exited with {self.popen.returncode}") from None
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def kill(self):
        """SIGKILL: the process dies mid-whatever-it-was-doing, as a crashed service would."""
        if self.popen and self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL)
            self.popen.wait()

    def stop(self):
        if self.popen and self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self):
        self.kill()
        self.start()

    def control(self, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}/_sim/{path}", data=data, method="POST" if data else "GET",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read() or b"{}")


@dataclass
class Simulators:
    directory: Path
    secrets: dict = field(default_factory=lambda: {
        "registry": "registry-secret", "payments": "payments-secret", "documents": "documents-secret"})
    processes: dict = field(default_factory=dict)

    def start(self, callback_url: str = "", ports: dict | None = None) -> Simulators:
        ports = ports or {}
        self.directory.mkdir(parents=True, exist_ok=True)
        extra = {
            "registry": [],
            "payments": ["--state", str(self.directory / "payments.json")]
            + (["--callback-url", callback_url] if callback_url else []),
            "documents": ["--state", str(self.directory / "documents.json")],
        }
        for name in ("registry", "payments", "documents"):
            process = Process(name, ports.get(name) or free_port(), extra[name], self.secrets[name],
                              self.directory / f"{name}.log")
            process.start()
            self.processes[name] = process
        return self

    def __getitem__(self, name) -> Process:
        return self.processes[name]

    def stop(self):
        for process in self.processes.values():
            process.stop()

    def settings(self) -> dict:
        """Django settings pointing E-licensing at these simulators."""
        return {
            "ELICENSE_REGISTRY_URL": self["registry"].url, "ELICENSE_REGISTRY_SECRET": self.secrets["registry"],
            "ELICENSE_PAYMENTS_URL": self["payments"].url, "ELICENSE_PAYMENTS_SECRET": self.secrets["payments"],
            "ELICENSE_DOCUMENTS_URL": self["documents"].url, "ELICENSE_DOCUMENTS_SECRET": self.secrets["documents"],
        }


