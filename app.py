#!/usr/bin/env python3
"""CDK entry point: `cdk synth` (or `python app.py`) with `-c env=dev|staging|prod` or `-c envs=all`."""

from __future__ import annotations

import os

# Node 20 is this machine's node (DESIGN.md section 7); jsii warns about it on every synth.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from aws_cdk import App

from cdk.app_builder import build
from cdk.config import default_context

# cdk.json's context as defaults, so `python app.py` alone behaves like `cdk synth`; the CLI's -c wins.
app = App(context=default_context(), outdir=os.environ.get("CDK_OUTDIR", "cdk.out"))
build(app)
app.synth()
