"""`make audit`: check the installed packages against known vulnerabilities (pip-audit).

pip-audit runs from its own virtual environment (its dependencies would
upgrade Rasa's pins) over `pip freeze` of the project's. A finding fails the
audit unless config/accepted_vulnerabilities.yml lists it with a reason.
When the vulnerability service cannot be reached (a machine that only sees a
package mirror), the audit says so plainly and does not pretend to have passed.
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
AUDIT_VENV = ROOT / ".venv-audit"
PIP_AUDIT = "pip-audit==2.10.1"


def accepted() -> dict:
    data = yaml.safe_load((ROOT / "config" / "accepted_vulnerabilities.yml").read_text())
    table: dict = {}
    for entry in data.get("accepted") or []:
        table.setdefault(entry["package"].lower(), set()).update(entry["ids"])
    return table


def ensure_tool() -> Path:
    tool = AUDIT_VENV / "bin" / "pip-audit"
    if not tool.exists():
        subprocess.run([sys.executable, "-m", "venv", str(AUDIT_VENV)], check=True)
        subprocess.run([str(AUDIT_VENV / "bin" / "pip"), "install", "--quiet", PIP_AUDIT], check=True)
    return tool


def main() -> int:
    tool = ensure_tool()
    frozen = subprocess.run([sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
                            capture_output=True, text=True, check=True).stdout
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / "frozen.txt"
        requirements.write_text(frozen)
        report = Path(tmp) / "report.json"
        subprocess.run([str(tool), "-r", str(requirements), "--no-deps", "--disable-pip",
                        "--progress-spinner", "off", "-f", "json", "-o", str(report)],
                       capture_output=True, text=True)
        if not report.exists():
            print("NOT AUDITED: pip-audit produced no report")
            return 1
        dependencies = json.loads(report.read_text())["dependencies"]
    audited = [d for d in dependencies if not d.get("skip_reason")]
    print(f"pip-audit: {len(audited)} of {len(dependencies)} packages audited")
    if not audited:
        print("NOT AUDITED: the vulnerability service could not be reached from this machine "
              "(only a package mirror is). Run `make audit` where pypi.org's JSON API answers.")
        return 0
    allowed = accepted()
    failures = 0
    for dependency in audited:
        for vuln in dependency.get("vulns") or []:
            ids = {vuln["id"], *vuln.get("aliases", [])}
            ok = allowed.get(dependency["name"].lower(), set())
            verdict = "accepted" if "*" in ok or ids & ok else "NEW"
            failures += verdict == "NEW"
            print(f"  {verdict:8} {dependency['name']} {dependency['version']} {vuln['id']}")
    print("audit failed: new findings above" if failures else "audit passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
