# The reference the runtime benchmark compares against: the stack the seeds were written for
# (Python 3.11, boto3 imported at start, run by awslambdaric). A trivial JSON echo, like runtime-probe's.
import boto3  # noqa: F401  (imported for its start-up cost, as a real function would)


def handler(event, context):
    return {"message": event.get("message"), "requestId": context.aws_request_id}
