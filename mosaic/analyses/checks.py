"""Import every check module so its checks register; ``CHECK_ORDER`` is the order everyone lists them in."""

from mosaic.analyses import (
    boilerplate,  # noqa: F401  boilerplate (documents)
    exposure,  # noqa: F401  mosaic_exposure, ncnd_tell
    peer,  # noqa: F401  peer_disclosure, self_acknowledgment
    procedure,  # noqa: F401  exemption_consistency, ncnd_limb, timeliness
    series,  # noqa: F401  selective_ncnd, series_consistency
)

#: The order the CLI, reports and dashboard list checks in (registration order would depend on imports).
CHECK_ORDER: tuple[str, ...] = (
    "peer_disclosure", "self_acknowledgment", "selective_ncnd", "series_consistency", "mosaic_exposure",
    "ncnd_tell", "exemption_consistency", "ncnd_limb", "timeliness", "boilerplate",
)  # fmt: skip
