"""Officials' figures, access, bulletins, exports and charts."""
