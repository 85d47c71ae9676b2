"""Understanding residents' tips: category, subcategory, places and grid codes.

>>> from nlp import analyze, warm_up
>>> warm_up()
>>> analyze("村东头有人烧秸秆，烟很大").category
'burning'
"""

from nlp.analysis import Analysis, analyze
from nlp.gazetteer import Gazetteer, warm_up

__all__ = ["Analysis", "Gazetteer", "analyze", "warm_up"]
