"""Import every check module so its checks register (the order they are listed in is ``mosaic.present``'s)."""

from mosaic.analyses import (
    boilerplate,  # noqa: F401  boilerplate (documents)
    exposure,  # noqa: F401  mosaic_exposure, ncnd_tell
    peer,  # noqa: F401  peer_disclosure, self_acknowledgment
    procedure,  # noqa: F401  exemption_consistency, ncnd_limb, timeliness
    regulator,  # noqa: F401  regulator_consistency
    series,  # noqa: F401  selective_ncnd, series_consistency
)
