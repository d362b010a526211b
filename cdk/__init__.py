"""AWS CDK v2 infrastructure of Motivator: stacks composed of constructs, built by cdk.app_builder."""
