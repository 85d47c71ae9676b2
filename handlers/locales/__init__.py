"""Message catalogues, one module per language. zh-Hans is the first language."""
