"""The encouragement engine: emotions, the scripture catalogue, crisis safety, the composer and the model prompt."""
