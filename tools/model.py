"""Train the Rasa model only when its inputs changed, keyed by their hash.

The key covers config.yml, domain.yml, data/ and the custom NLU code in
rasa_ext/, so a model is reused across clones and CI runs
(HELPDESK_MODEL_CACHE points at a cache outside the clone) and retrained when
anything it learns from changes.

    python -m tools.model path     # print the model path for the current inputs
    python -m tools.model train    # train if missing, print the path
"""
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INPUTS = ["config.yml", "domain.yml", "data", "rasa_ext"]


def input_files():
    for name in INPUTS:
        path = ROOT / name
        if path.is_file():
            yield path
        else:
            yield from sorted(p for p in path.rglob("*")
                              if p.is_file() and "__pycache__" not in p.parts)


def inputs_hash() -> str:
    digest = hashlib.sha256()
    for path in input_files():
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def cache_dir() -> Path:
    return Path(os.environ.get("HELPDESK_MODEL_CACHE") or ROOT / "models")


def model_path() -> Path:
    return cache_dir() / f"helpdesk-{inputs_hash()}.tar.gz"


def train() -> Path:
    """Train when no model exists for the current inputs; return its path."""
    target = model_path()
    if target.exists():
        print(f"model up to date: {target}", flush=True)
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    print(f"training a new model ({target.name}); this takes a few minutes on 2 cores…", flush=True)
    started = time.monotonic()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [str(Path(sys.executable).parent / "rasa"), "train", "--fixed-model-name",
               target.name[: -len(".tar.gz")], "--out", str(target.parent),
               "--config", "config.yml", "--domain", "domain.yml", "--data", "data"]
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    print(f"trained in {time.monotonic() - started:.0f} s: {target}", flush=True)
    return target


def main(argv) -> int:
    command = argv[1] if len(argv) > 1 else "train"
    if command == "path":
        print(model_path())
    elif command == "hash":
        print(inputs_hash())
    elif command == "train":
        train()
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
