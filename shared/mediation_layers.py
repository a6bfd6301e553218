"""The five layers of mediation (五层调解), part of the published language between dispatch (which
asks for mediation at a layer) and mediation (which mediates there)."""

# 行政调解 → 行业调解 → 人民调解 → 诉前调解 → 诉讼调解: a failed layer escalates to the next.
LAYERS = ("administrative", "industry", "people", "pre_litigation", "litigation")
LAYER_NAMES = {"administrative": "行政调解", "industry": "行业调解", "people": "人民调解",
               "pre_litigation": "诉前调解", "litigation": "诉讼调解"}
