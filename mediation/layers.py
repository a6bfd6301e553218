"""The five layers of mediation (五层调解) and their time limits [L], and the routes a party is told
of when mediation ends without agreement (人民调解法第二十六条)."""
from __future__ import annotations

from shared.mediation_layers import LAYER_NAMES, LAYERS

__all__ = ["LAYERS", "LAYER_NAMES", "LAYER_LIMIT_DAYS", "LEGAL_ROUTES", "next_layer"]
# A court-referred pre-litigation mediation lasts 30 days [L]; the other layers have no fixed limit.
LAYER_LIMIT_DAYS = {"pre_litigation": 30}
LEGAL_ROUTES = ("依法申请仲裁", "依法提起诉讼", "依法申请行政复议或者通过其他行政途径解决")


def next_layer(layer: str) -> str | None:
    index = LAYERS.index(layer)
    return LAYERS[index + 1] if index + 1 < len(LAYERS) else None
