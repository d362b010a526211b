"""Local development tools: the stand-ins, CLI and helpers that never ship to Lambda."""
