"""Build step of newsroles-client: generates the gRPC stubs from the service's .proto.

The stubs are never committed. `build_py` runs grpc_tools.protoc (a build
requirement, see pyproject.toml) on proto/newsroles/v1/newsroles.proto and writes
`newsroles_client/_pb/` into the build: `proto` here is a symlink to the
repository's own proto/ folder, so the package always speaks the server's contract.
"""

import shutil
import tempfile
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
PROTO_ROOT = HERE / "proto"
PROTO = "newsroles/v1/newsroles.proto"
# The generated service module imports its messages by the proto's package path;
# inside newsroles_client._pb that has to be a relative import.
ABSOLUTE_IMPORT = "from newsroles.v1 import newsroles_pb2 as"
RELATIVE_IMPORT = "from . import newsroles_pb2 as"


def generate(dest: Path) -> None:
    """Writes newsroles_pb2.py(.pyi), newsroles_pb2_grpc.py and __init__.py into dest."""
    from grpc_tools import protoc

    if not (PROTO_ROOT / PROTO).is_file():
        raise SystemExit(f"{PROTO_ROOT / PROTO} not found: build from the newsroles repository")
    with tempfile.TemporaryDirectory() as tmp:
        # Without the bundled well-known protos protoc cannot resolve any import;
        # the file has none today, but the include path costs nothing.
        well_known = Path(protoc.__file__).resolve().parent / "_proto"
        rc = protoc.main([
            "grpc_tools.protoc",
            f"-I{PROTO_ROOT}",
            f"-I{well_known}",
            f"--python_out={tmp}",
            f"--pyi_out={tmp}",
            f"--grpc_python_out={tmp}",
            str(PROTO_ROOT / PROTO),
        ])
        if rc != 0:
            raise SystemExit(f"grpc_tools.protoc failed on {PROTO} with exit code {rc}")
        out = Path(tmp) / "newsroles" / "v1"
        dest.mkdir(parents=True, exist_ok=True)
        for name in ("newsroles_pb2.py", "newsroles_pb2.pyi"):
            shutil.copyfile(out / name, dest / name)
        stub = (out / "newsroles_pb2_grpc.py").read_text(encoding="utf-8")
        if ABSOLUTE_IMPORT not in stub:
            raise SystemExit(f"generated newsroles_pb2_grpc.py lacks {ABSOLUTE_IMPORT!r}: "
                             "the grpc_tools output changed, update setup.py")
        (dest / "newsroles_pb2_grpc.py").write_text(
            stub.replace(ABSOLUTE_IMPORT, RELATIVE_IMPORT), encoding="utf-8")
        (dest / "__init__.py").write_text(
            f'"""Generated at build time from {PROTO}; do not edit."""\n', encoding="utf-8")


class BuildPyWithStubs(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            # `pip install -e`: the package is imported from src/, so the stubs go
            # there (git-ignored).
            generate(HERE / "src" / "newsroles_client" / "_pb")
        else:
            generate(Path(self.build_lib) / "newsroles_client" / "_pb")


setup(cmdclass={"build_py": BuildPyWithStubs})
