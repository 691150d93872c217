"""The env file: NAME=value lines in ADMINDUK_DATA_DIR/adminduk.env (default ./var/adminduk.env)
that fill the variables the environment leaves unset. `adminduk demo` writes one for the demo
central and one for its node; adminduk.cli reads it before Django's settings. No Django here:
this runs before settings exist."""

import os
from pathlib import Path

ENV_FILE_NAME = "adminduk.env"


class ConfigurationProblem(Exception):
    pass


def env_file_path(environ=os.environ) -> Path:
    data_dir = environ.get("ADMINDUK_DATA_DIR") or str(Path.cwd() / "var")
    return Path(data_dir) / ENV_FILE_NAME


def read_env_file(path: Path) -> dict[str, str]:
    """NAME=value lines; blank lines and # comments are skipped."""
    values = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        name = name.strip()
        if not sep or not name.replace("_", "").isalnum():
            raise ConfigurationProblem(f"{path}, line {number}: expected NAME=value, found {raw.strip()!r}")
        values[name] = value.strip()
    return values


def write_env_file(path: Path, values: dict[str, str], *, comment: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"# {line}" for line in comment.splitlines()] + [f"{name}={value}" for name, value in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)  # a DATABASE_URL may carry a password


def apply_env_file(environ=os.environ) -> Path | None:
    """Fill variables missing from the environment from the env file, if there is one."""
    path = env_file_path(environ)
    if not path.is_file():
        return None
    for name, value in read_env_file(path).items():
        environ.setdefault(name, value)
    return path
