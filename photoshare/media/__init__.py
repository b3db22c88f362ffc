"""Media: the store interface and its backends, media keys, and the image pipeline."""
