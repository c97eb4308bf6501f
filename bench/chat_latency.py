"""End-to-end speed of the help desk on this machine (`make bench`, issue 8).

Starts the real processes (action server, Rasa on the trained model, gateway)
on free loopback ports with a fresh var/, then measures:

- latency (p50, p95) and throughput of the gateway's chat API at 1, 10 and 50
  concurrent conversations, and of Rasa's own REST channel with the same
  messages in the same run, and the ratio of their p50s (goal: ≤ 1.15);
- the latency of turn 1 and of turn 200 of one conversation;
- the model's load time and each process's resident memory.

Rate limits are raised for the run: one client address sends every
conversation here, which the limits would rightly stop in production.
Results are printed as a table and written to bench/results/<date>.json.
"""
import asyncio
import json
import os
import platform
import secrets
import socket
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Dict, List

import aiohttp

from bot.settings import ROOT, Settings

MESSAGES = [
    "bonjour", "je cherche un cours de français gratuit", "where can I see a doctor without papers?",
    "أين أجد بنك الطعام؟", "мені потрібен дитячий садок", "где бесплатная юридическая помощь?",
    "کلاس زبان رایگان کجاست؟", "merci beaucoup", "necesito un dentista", "ok",
]
LEVELS = (1, 10, 50)
MESSAGES_PER_CONVERSATION = 6
SAMPLES_PER_LEVEL = 60  # one conversation sends 60 messages; ten send 6 each


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: List[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB (from /proc)."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for each in pids:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return total / 1024


class Target:
    """One way to send a message: the gateway's chat API or Rasa's REST channel."""

    def __init__(self, name: str, url: str, token: str = ""):
        self.name, self.url, self.token = name, url, token

    async def send(self, http: aiohttp.ClientSession, conversation: str, text: str) -> float:
        started = time.perf_counter()
        if self.name == "gateway":
            request = http.post(f"{self.url}/api/chat/{conversation}/messages", json={"text": text})
        else:
            request = http.post(f"{self.url}/webhooks/helpdesk/webhook",
                                json={"sender": conversation, "message": text,
                                      "metadata": {"language": "fr", "channel": "web"}},
                                headers={"Authorization": f"Bearer {self.token}"})
        async with request as response:
            await response.read()
            if response.status != 200:
                raise RuntimeError(f"{self.name} answered {response.status}")
        return time.perf_counter() - started


async def load(target: Target, concurrency: int, run_id: str) -> Dict[str, float]:
    """`concurrency` conversations at once, each sending its messages one after another."""
    latencies: List[float] = []
    errors = 0

    turns = max(MESSAGES_PER_CONVERSATION, SAMPLES_PER_LEVEL // concurrency)

    async def conversation(index: int, http: aiohttp.ClientSession) -> None:
        nonlocal errors
        for turn in range(turns):
            try:
                latencies.append(await target.send(
                    http, f"bench-{run_id}-{target.name}-{concurrency}-{index}",
                    MESSAGES[(index + turn) % len(MESSAGES)]))
            except Exception:  # noqa: BLE001 - counted, the run goes on
                errors += 1

    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector,
                                     timeout=aiohttp.ClientTimeout(total=120)) as http:
        started = time.perf_counter()
        await asyncio.gather(*(conversation(i, http) for i in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {"p50_ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
            "p95_ms": 1000 * percentile(latencies, 0.95) if latencies else float("nan"),
            "throughput_per_s": len(latencies) / elapsed, "messages": len(latencies),
            "errors": errors}


async def long_conversation(target: Target, turns: int = 200) -> Dict[str, float]:
    """Latency at turn 1 (mean of turns 1–5) and turn 200 (mean of the last 5)."""
    timings = []
    async with aiohttp.ClientSession() as http:
        for turn in range(turns):
            timings.append(await target.send(http, f"long-{target.name}",
                                             MESSAGES[turn % len(MESSAGES)]))
    return {"turn_1_ms": 1000 * statistics.mean(timings[:5]),
            f"turn_{turns}_ms": 1000 * statistics.mean(timings[-5:])}


def machine() -> Dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), "?")
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), "0")
    return {"cpu": cpu, "cores": str(os.cpu_count()), "memory_gb": f"{int(memory) / 1024 ** 2:.1f}",
            "python": platform.python_version(), "os": platform.platform()}


def main() -> int:
    from tools.stack import Stack

    var_dir = Path(tempfile.mkdtemp(prefix="helpdesk-bench-"))
    os.environ["HELPDESK_RATE_PER_CONVERSATION"] = "100000"
    os.environ["HELPDESK_RATE_PER_ADDRESS"] = "1000000"
    settings = Settings(var_dir=var_dir, port=free_port(),
                        database_url=f"sqlite:///{var_dir / 'helpdesk.db'}",
                        tracker_store_url=f"sqlite:///{var_dir / 'tracker.db'}",
                        secret=secrets.token_urlsafe(16), rasa_token=secrets.token_urlsafe(16))
    stack = Stack(settings, rasa_port=free_port(), actions_port=free_port(), log_dir=var_dir / "logs")
    results: Dict[str, object] = {"date": date.today().isoformat(), "machine": machine()}
    try:
        started = time.monotonic()
        stack.start()
        if not stack.wait_healthy(timeout=600):
            print(f"the stack did not become healthy; see {var_dir / 'logs'}")
            return 1
        results["startup_to_healthy_s"] = round(time.monotonic() - started, 1)
        gateway = Target("gateway", stack.gateway_url())
        rasa = Target("rasa", f"http://127.0.0.1:{stack.rasa_port}", settings.rasa_token)
        run_id = secrets.token_hex(3)
        asyncio.run(load(gateway, 1, run_id + "w"))  # warm both paths once
        asyncio.run(load(rasa, 1, run_id + "w"))
        levels = {}
        for level in LEVELS:
            # Interleave: Rasa alone, then through the gateway, at the same load.
            direct = asyncio.run(load(rasa, level, run_id))
            through = asyncio.run(load(gateway, level, run_id))
            levels[str(level)] = {"rasa": direct, "gateway": through,
                                  "p50_ratio": through["p50_ms"] / direct["p50_ms"]}
        results["concurrency"] = levels
        results["long_conversation"] = {"gateway": asyncio.run(long_conversation(gateway)),
                                        "rasa": asyncio.run(long_conversation(rasa))}
        results["rss_mb"] = {name: round(rss_mb(process.pid), 1)
                             for name, process in stack.processes.items()}
        model_started = time.monotonic()
        stack.kill("rasa")
        stack.start_rasa()
        stack.wait_healthy(timeout=600)
        results["rasa_restart_with_model_load_s"] = round(time.monotonic() - model_started, 1)
    finally:
        stack.stop()
    print_table(results)
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{results['date']}.json"
    existing = json.loads(out.read_text()) if out.exists() else {}
    existing["chat"] = results
    out.write_text(json.dumps(existing, indent=2, ensure_ascii=False))
    print(f"\nwritten to {out.relative_to(ROOT)}")
    return 0


def print_table(results: Dict) -> None:
    print(f"\nmachine: {results['machine']}")
    print(f"start to healthy: {results['startup_to_healthy_s']} s; Rasa restart with model load: "
          f"{results.get('rasa_restart_with_model_load_s')} s")
    print(f"\n{'conversations':>13} {'path':>8} {'p50 ms':>8} {'p95 ms':>8} {'msg/s':>7} {'errors':>6}")
    for level, row in results["concurrency"].items():
        for path in ("rasa", "gateway"):
            r = row[path]
            print(f"{level:>13} {path:>8} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} "
                  f"{r['throughput_per_s']:7.1f} {r['errors']:6d}")
        print(f"{'':>13} {'ratio':>8} {row['p50_ratio']:8.2f}   (gateway p50 / Rasa p50; goal ≤ 1.15)")
    for path, row in results["long_conversation"].items():
        print(f"long conversation via {path}: " + ", ".join(f"{k} {v:.1f}" for k, v in row.items()))
    print("resident memory (MB): " + ", ".join(f"{k} {v}" for k, v in results["rss_mb"].items()))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
