"""Motivator's own package: protocol, settings, engine, repositories and clients shared by handlers, CDK and tools."""
