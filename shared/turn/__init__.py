"""The turn pipeline: one sendMessage admitted, chosen, written and recorded (docs/architecture.md)."""
