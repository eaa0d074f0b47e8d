"""Creates the resources the functions need on a local moto and prints the variables that point at them.

Usage: .venv/bin/python scripts/local-aws.py   (with AWS_ENDPOINT_URL, AWS_DEFAULT_REGION and keys set)
Prints KEY=VALUE lines: the tables, queues, secret and sender the functions' environments name. Used by
scripts/dev and scripts/bench, so the local backend and the benchmarks run against the same shapes as the
template declares (names differ: this is moto, not a stack).
"""
import boto3

dynamodb = boto3.client("dynamodb")


def table(name, *keys):
    types = {"timestamp": "N"}
    dynamodb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": k, "AttributeType": types.get(k, "S")} for k in keys],
        KeySchema=[{"AttributeName": k, "KeyType": t} for k, t in zip(keys, ("HASH", "RANGE"))],
    )


table("bids_history", "auction_id", "timestamp#user_id")
table("users", "userId")
table("sent-notifications", "notificationId")
for user, email, name in (("user-ada", "ada@example.com", "Ada"), ("user-a", "a@example.com", "A. Bidder")):
    dynamodb.put_item(TableName="users", Item={"userId": {"S": user}, "email": {"S": email}, "name": {"S": name}})

sqs = boto3.client("sqs")
fifo = {"FifoQueue": "true", "ContentBasedDeduplication": "true"}
bid_dlq = sqs.create_queue(QueueName="bid-persistence-dlq.fifo", Attributes=fifo)["QueueUrl"]
notification_dlq = sqs.create_queue(QueueName="notification-dlq.fifo", Attributes=fifo)["QueueUrl"]

boto3.client("sesv2").create_email_identity(EmailIdentity="alerts@gavel.example")
secret = boto3.client("secretsmanager").create_secret(Name="postmark", SecretString='{"serverToken":"local"}')

for key, value in {
    "BIDS_HISTORY_TABLE": "bids_history",
    "BID_PERSISTENCE_DLQ": bid_dlq,
    "USERS_TABLE": "users",
    "NOTIFICATIONS_SENT_TABLE": "sent-notifications",
    "NOTIFICATION_DLQ": notification_dlq,
    "EMAIL_PROVIDER": "ses",
    "EMAIL_FROM": "alerts@gavel.example",
    "POSTMARK_TOKEN_SECRET_ID": secret["ARN"],
}.items():
    print(f"{key}={value}")
