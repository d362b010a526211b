"""Unit tests of the encouragement engine."""
