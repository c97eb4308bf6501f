"""What the browser tests need: Debian's Chromium, node, and playwright-core in tests/browser/."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

BROWSER_DIR = Path(__file__).resolve().parent / "browser"
CHROMIUM = os.environ.get("HELPDESK_CHROMIUM", "/usr/bin/chromium")


def missing_requirements() -> str:
    """Why the browser tests cannot run here, or '' when they can."""
    if not shutil.which("node") or not shutil.which("npm"):
        return "node and npm are needed for the browser tests (apt-get install nodejs npm)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"Chromium is needed for the browser tests: {CHROMIUM} is missing (apt-get install chromium)"
    return ""


def ensure_playwright() -> None:
    """Skip (saying why) without a browser; install the pinned playwright-core (no browser download)."""
    missing = missing_requirements()
    if missing:
        pytest.skip(missing)
    if not (BROWSER_DIR / "node_modules" / "playwright-core").is_dir():
        subprocess.run(["npm", "ci", "--prefix", str(BROWSER_DIR), "--no-audit", "--no-fund"],
                       check=True, timeout=300)


def screenshots_dir(tmp_path: Path) -> Path:
    """HELPDESK_SCREENSHOTS_DIR (`make screenshots`: docs/screenshots/), else the test's own directory."""
    shots = Path(os.environ.get("HELPDESK_SCREENSHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    return shots


async def run_node_test(script: str, env: dict, timeout: int) -> None:
    """Run one of tests/browser/*.test.mjs with node's test runner; fail with its report."""
    import asyncio

    process = await asyncio.create_subprocess_exec(
        "node", "--test-reporter=spec", str(BROWSER_DIR / script), env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        output, _ = await asyncio.wait_for(process.communicate(), timeout=timeout)
    except asyncio.TimeoutError:
        process.kill()
        output, _ = await process.communicate()
        pytest.fail(f"{script} did not finish in {timeout} s:\n" + output.decode(errors="replace"))
    report = output.decode(errors="replace")
    print(report)
    assert process.returncode == 0, report
