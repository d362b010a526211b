"""Production parity: the local stack built from the synthesized CDK templates, with each function's IAM enforced."""
