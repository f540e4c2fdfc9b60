"""Python client of the newsroles gRPC service.

`Client(addr).classify(text)` returns the same dict as `json.loads` of the
`newsroles classify` output line for that text. The gRPC stubs (`newsroles_client._pb`)
are generated from the repository's proto/ when the package is built.
"""

from .client import Client, DocumentError
from .shape import analysis_to_dict, f32_shortest

__all__ = ["Client", "DocumentError", "analysis_to_dict", "f32_shortest"]
__version__ = "0.1.0"
