"""满意度评价: the three ratings a petitioner gives a reply (A21), as every context names them."""
RATING_NAMES = {"satisfied": "满意", "basically_satisfied": "基本满意", "unsatisfied": "不满意"}
RATINGS = tuple(RATING_NAMES)
