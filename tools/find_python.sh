#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter (Rasa 3.6 runs on nothing newer),
# looking on PATH, under pyenv, then through uv; or say how to get one.
set -u
for candidate in "${PYTHON310:-}" python3.10 "$HOME"/.pyenv/versions/3.10*/bin/python3.10 \
                 /usr/local/bin/python3.10 /usr/bin/python3.10; do
  [ -n "$candidate" ] || continue
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if "$path" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
    echo "$path"; exit 0
  fi
done
if command -v pyenv >/dev/null 2>&1; then
  for version in $(pyenv versions --bare 2>/dev/null | grep '^3\.10'); do
    path="$(pyenv root)/versions/$version/bin/python3.10"
    [ -x "$path" ] && { echo "$path"; exit 0; }
  done
fi
if command -v uv >/dev/null 2>&1; then
  uv python install 3.10 >&2 && path=$(uv python find 3.10) && { echo "$path"; exit 0; }
fi
cat >&2 <<'MSG'
Python 3.10 is needed (Rasa 3.6 does not run on newer Pythons) and none was found.
Install it with one of:
  pyenv install 3.10          (https://github.com/pyenv/pyenv)
  uv python install 3.10      (https://docs.astral.sh/uv/)
  sudo apt-get install python3.10 python3.10-venv   (Debian/Ubuntu with 3.10 packaged)
or point PYTHON310=/path/to/python3.10 at one.
MSG
exit 1
