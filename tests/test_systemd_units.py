"""The production units (deploy/systemd/): they bind loopback unless /etc/capnum.env says
otherwise, start the guarded entry points, restart like `make run`, and carry the hardening
keys. Parsed with configparser; checked by `systemd-analyze verify` where it is installed."""
from __future__ import annotations

import configparser
import importlib.util
import re
import shlex
import shutil
import subprocess

import pytest

from bot.core import config
from bot.tools.listen import RefusedAddress, action_address, rasa_address

UNITS_DIR = config.PROJECT_ROOT / "deploy" / "systemd"
UNITS = {"gateway": "capnum-gateway.service", "rasa": "capnum-rasa@.service", "actions": "capnum-actions@.service"}
HARDENING = {
    "NoNewPrivileges": "yes", "ProtectSystem": "strict", "PrivateTmp": "yes", "PrivateDevices": "yes",
    "ProtectHome": "yes", "ProtectKernelTunables": "yes", "ProtectKernelModules": "yes",
    "ProtectControlGroups": "yes", "RestrictSUIDSGID": "yes", "LockPersonality": "yes",
    "CapabilityBoundingSet": "", "AmbientCapabilities": "", "UMask": "0077",
}
# Keys only systemd 254 and later knows; older ones warn and ignore them.
NEWER_SYSTEMD_KEYS = {"RestartSteps", "RestartMaxDelaySec"}


class _MultiDict(dict):
    """Repeated keys (Environment=, SystemCallFilter=) keep every value, as systemd does."""

    def __setitem__(self, key, value):
        if key in self and isinstance(value, list) and isinstance(self[key], list):
            self[key].extend(value)
        else:
            super().__setitem__(key, value)


def parse(name: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False, dict_type=_MultiDict, interpolation=None,
                                          delimiters=("=",), comment_prefixes=("#", ";"),
                                          empty_lines_in_values=False)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read(UNITS_DIR / name, encoding="utf-8")
    return parser


def values(unit: configparser.RawConfigParser, key: str, section: str = "Service") -> list[str]:
    raw = unit.get(section, key, fallback=None)
    return [] if raw is None else raw.split("\n")


def environment(unit: configparser.RawConfigParser) -> dict[str, str]:
    env = {}
    for line in values(unit, "Environment"):
        for word in shlex.split(line):
            name, _, value = word.partition("=")
            env[name] = value
    return env


@pytest.fixture(params=sorted(UNITS), ids=sorted(UNITS))
def unit(request):
    return request.param, parse(UNITS[request.param])


def test_every_unit_exists_and_has_its_sections(unit):
    kind, parsed = unit
    assert parsed.sections() == ["Unit", "Service", "Install"], kind
    assert parsed.get("Install", "WantedBy") == "multi-user.target"


def test_every_unit_runs_as_an_unprivileged_user_with_the_hardening_keys(unit):
    kind, parsed = unit
    user = parsed.get("Service", "User", fallback="")
    assert user and user not in ("root", "0"), kind
    assert parsed.get("Service", "Group", fallback="") not in ("", "root", "0")
    for key, expected in HARDENING.items():
        assert values(parsed, key) == [expected], (kind, key, values(parsed, key))
    # Writable: var/ only (databases, secret.key, endpoints files, logs), never the code.
    writable = " ".join(values(parsed, "ReadWritePaths")).split()
    assert writable == ["/srv/capnum/var"], writable
    assert parsed.get("Service", "WorkingDirectory") == "/srv/capnum"
    filters = values(parsed, "SystemCallFilter")
    assert "@system-service" in filters and any(f.startswith("~") and "@privileged" in f for f in filters)
    families = parsed.get("Service", "RestrictAddressFamilies").split()
    assert set(families) <= {"AF_INET", "AF_INET6", "AF_UNIX"}


def test_every_unit_reads_the_private_settings_file_after_its_defaults(unit):
    kind, parsed = unit
    assert values(parsed, "EnvironmentFile") == ["/etc/capnum.env"], kind  # not optional ("-")
    text = (UNITS_DIR / UNITS[kind]).read_text(encoding="utf-8")
    assert "0600" in text, "the unit says the settings file is mode 0600"
    # No secret in the unit itself (units are world-readable): tokens live in /etc/capnum.env.
    env = environment(parsed)
    for name in env:
        assert not re.search(r"TOKEN|SECRET|PASSWORD|DATABASE_URL|REDIS_URL|RABBITMQ_URL", name), name


def test_every_unit_restarts_like_the_launcher(unit):
    kind, parsed = unit
    assert parsed.get("Service", "Restart") == "always"
    assert parsed.get("Service", "RestartSec") == "1"
    assert parsed.get("Service", "RestartSteps") == "6"
    assert parsed.get("Service", "RestartMaxDelaySec") == "60"
    assert parsed.get("Unit", "StartLimitIntervalSec") == "0", "never gives up restarting"


def _exec_start(parsed) -> list[str]:
    (line,) = values(parsed, "ExecStart")
    return shlex.split(line)


def test_the_units_start_the_guarded_entry_points_on_loopback():
    expected = {"gateway": ("bot.gateway", "GATEWAY_HOST"), "rasa": ("bot.tools.rasa_server", "RASA_INTERFACE"),
                "actions": ("bot.tools.action_server", "ACTION_INTERFACE")}
    for kind, (module, variable) in expected.items():
        parsed = parse(UNITS[kind])
        argv = _exec_start(parsed)
        assert argv[:3] == ["/srv/capnum/.venv/bin/python", "-m", module], argv
        assert importlib.util.find_spec(module) is not None, module
        assert "--interface" not in argv and "--host" not in argv, "the address comes from the environment"
        env = environment(parsed)
        assert env[variable] == "127.0.0.1", (kind, env)
        assert env["PYTHONPATH"] == "/srv/capnum" and env["CAPNUM_VAR_DIR"] == "/srv/capnum/var"
        text = (UNITS_DIR / UNITS[kind]).read_text(encoding="utf-8")
        assert "0.0.0.0" not in text and "::" not in re.sub(r"#.*", "", text)
    # Rasa's HTTP API and the action server, with these defaults: loopback, and the guards agree.
    assert rasa_address(None, environment(parse(UNITS["rasa"])), token="") == "127.0.0.1"
    assert action_address(None, environment(parse(UNITS["actions"]))) == "127.0.0.1"
    # The same units given another address in /etc/capnum.env without the secrets: refused.
    with pytest.raises(RefusedAddress):
        rasa_address(None, {**environment(parse(UNITS["rasa"])), "RASA_INTERFACE": "10.0.0.11"}, token="")
    with pytest.raises(RefusedAddress):
        action_address(None, {**environment(parse(UNITS["actions"])), "ACTION_INTERFACE": "10.0.0.11"})


def test_the_replica_templates_pair_rasa_with_its_action_server():
    rasa, actions = parse(UNITS["rasa"]), parse(UNITS["actions"])
    assert _exec_start(rasa)[-2:] == ["--replica", "%i"]
    assert _exec_start(actions)[-2:] == ["--replica", "%i"]
    assert "capnum-actions@%i.service" in rasa.get("Unit", "Wants").split()
    assert "capnum-actions@%i.service" in rasa.get("Unit", "After").split()
    assert "%i" in rasa.get("Unit", "Description") and "%i" in actions.get("Unit", "Description")
    assert int(rasa.get("Service", "TimeoutStartSec")) >= 300  # the model takes time to load


def test_the_gateway_unit_talks_to_rasa_on_loopback():
    env = environment(parse(UNITS["gateway"]))
    assert env["RASA_URL"] == "http://127.0.0.1:5005" and env["GATEWAY_PORT"] == "8080"


def test_the_example_settings_file_names_every_secret_and_no_public_address():
    text = (UNITS_DIR / "capnum.env.example").read_text(encoding="utf-8")
    assert "install -m 0600 -o root -g root" in text
    settings = dict(line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))
    for name in ("DATABASE_URL", "RASA_AUTH_TOKEN", "CAPNUM_ACTION_TOKEN", "CAPNUM_SECRET"):
        assert name in settings, name
    for name in ("RASA_INTERFACE", "ACTION_INTERFACE", "GATEWAY_HOST"):
        assert name not in settings, f"{name} stays on loopback unless the operator names an address"


def test_the_readme_references_the_units():
    readme = (config.PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    topology = readme.split("## Production topology", 1)[1].split("\n## ", 1)[0]
    assert "deploy/systemd/" in topology
    for name in list(UNITS.values()) + ["capnum.env.example"]:
        assert name in topology, name


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze absent")
def test_systemd_accepts_the_units(tmp_path):
    """`systemd-analyze verify` on copies whose paths exist here: every key is one systemd knows
    (only the 254+ restart keys may be unknown to an older systemd)."""
    import sys

    env_file = tmp_path / "capnum.env"
    env_file.write_text("", encoding="utf-8")
    names = []
    for kind, name in UNITS.items():
        text = (UNITS_DIR / name).read_text(encoding="utf-8")
        text = (text.replace("/srv/capnum/.venv/bin/python", sys.executable).replace("/srv/capnum", str(tmp_path))
                .replace("User=capnum", "User=root").replace("Group=capnum", "Group=root")
                .replace("EnvironmentFile=/etc/capnum.env", f"EnvironmentFile={env_file}"))
        target = tmp_path / name.replace("@.", "@0.")
        target.write_text(text, encoding="utf-8")
        names.append(str(target))
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", *names], capture_output=True, text=True,
                          timeout=120, env={"SYSTEMD_LOG_LEVEL": "notice", "PATH": "/usr/bin:/bin"})
    problems = [line for line in (done.stdout + done.stderr).splitlines()
                if line.strip() and not any(f"Unknown key '{key}'" in line for key in NEWER_SYSTEMD_KEYS)]
    assert done.returncode == 0 and not problems, problems
