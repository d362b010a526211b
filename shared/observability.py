"""The one place the Powertools logger, tracer and metrics are created."""

from aws_lambda_powertools import Logger, Metrics, Tracer

from shared.metric_names import NAMESPACE, SERVICE

logger = Logger(service=SERVICE)
tracer = Tracer(service=SERVICE)
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
