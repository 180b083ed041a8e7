"""Build hook: compile textfix/_fastlm.c (the trigram scorer's loop in C) when a C compiler and the
Python headers are there; without them the wheel is pure Python and textfix uses the same loop in
Python (same results, slower). ``TEXTFIX_NO_COMPILE=1`` skips the compiler on purpose."""
from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = Path("textfix") / "_fastlm.c"


def compile_extension(root: Path, out_dir: Path) -> Path | None:
    """Compile the extension into ``out_dir``; its path, or None (with the reason on stderr)."""
    if os.environ.get("TEXTFIX_NO_COMPILE", "") not in ("", "0"):
        print("textfix: TEXTFIX_NO_COMPILE set: pure-Python build", file=sys.stderr)
        return None
    cc = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")
    if not cc or shutil.which(cc[0]) is None:
        print(f"textfix: no C compiler ({' '.join(cc) or 'cc'}): pure-Python build", file=sys.stderr)
        return None
    include = sysconfig.get_paths()["include"]
    target = out_dir / f"_fastlm{sysconfig.get_config_var('EXT_SUFFIX') or '.so'}"
    link = ["-bundle", "-undefined", "dynamic_lookup"] if sys.platform == "darwin" else ["-shared"]
    digest = hashlib.sha256((root / SOURCE).read_bytes()).hexdigest()
    cmd = [*cc, "-O2", "-fPIC", "-fwrapv", "-ffp-contract=off", f'-DTEXTFIX_FASTLM_SOURCE="{digest}"', "-I", include,
           str(root / SOURCE), "-o", str(target), *link]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.SubprocessError) as exc:
        print(f"textfix: compiling {SOURCE} failed ({exc}): pure-Python build", file=sys.stderr)
        return None
    if done.returncode != 0 or not target.is_file():
        print(f"textfix: compiling {SOURCE} failed: pure-Python build\n{done.stderr[-2000:]}", file=sys.stderr)
        return None
    return target


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        if version == "editable":
            # an editable install imports textfix/ from the source tree: the module goes there
            # (gitignored)
            built = compile_extension(root, root / "textfix")
            if built is not None:
                build_data["pure_python"] = False
                build_data["infer_tag"] = True
            return
        tmp = Path(tempfile.mkdtemp(prefix="textfix-build-"))
        built = compile_extension(root, tmp)
        if built is None:
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        build_data["force_include"][str(built)] = f"textfix/{built.name}"
        # and in place, as ``build_ext --inplace`` would: the README's ``pip install '.[test]' &&
        # python -m pytest`` imports textfix from the checkout, which should then test the compiled
        # loop too (gitignored, and excluded from the wheel's file walk; a copy left behind by an
        # older _fastlm.c is refused at import: see scoring.compiled_available)
        try:
            shutil.copy2(built, root / "textfix" / built.name)
        except OSError:
            pass
