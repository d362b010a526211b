"""A local Amazon Bedrock Runtime endpoint (ConverseStream) backed by local models."""
