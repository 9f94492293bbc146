"""Import every check module so its checks register, in the order the CLI and reports list them."""

from mosaic.analyses import peer  # noqa: F401  peer_disclosure, self_acknowledgment
