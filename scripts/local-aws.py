"""Creates the resources the functions need on a local moto and prints the variables that point at them.

Usage: .venv/bin/python scripts/local-aws.py   (with AWS_ENDPOINT_URL, AWS_DEFAULT_REGION and keys set)
Prints KEY=VALUE lines: the tables, queues, secret and sender the functions' environments name. Used by
scripts/dev and scripts/bench, so the local backend and the benchmarks run against the same shapes as the
template declares (names differ: this is moto, not a stack).
"""
import boto3

dynamodb = boto3.client("dynamodb")


def table(name, *keys, index=None):
    types = {"timestamp": "N", "auctionEndTime": "N", "created_at": "N"}
    attributes = list(keys) + list(index[1:] if index else [])
    options = {}
    if index:
        options["GlobalSecondaryIndexes"] = [{
            "IndexName": index[0],
            "KeySchema": [{"AttributeName": k, "KeyType": t} for k, t in zip(index[1:], ("HASH", "RANGE"))],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        }]
    dynamodb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": k, "AttributeType": types.get(k, "S")} for k in attributes],
        KeySchema=[{"AttributeName": k, "KeyType": t} for k, t in zip(keys, ("HASH", "RANGE"))],
        **options,
    )


table("bids_history", "auction_id", "timestamp#user_id")
table("users", "userId")
table("sent-notifications", "notificationId")
table("bids", "userId", "bidId", index=("status-auctionEndTime-index", "status", "auctionEndTime"))
table("bid-history", "userId", "timestamp")
for user, email, name in (("user-ada", "ada@example.com", "Ada"), ("user-a", "a@example.com", "A. Bidder")):
    dynamodb.put_item(TableName="users", Item={"userId": {"S": user}, "email": {"S": email}, "name": {"S": name}})

sqs = boto3.client("sqs")
fifo = {"FifoQueue": "true", "ContentBasedDeduplication": "true"}
bid_dlq = sqs.create_queue(QueueName="bid-persistence-dlq.fifo", Attributes=fifo)["QueueUrl"]
notification_dlq = sqs.create_queue(QueueName="notification-dlq.fifo", Attributes=fifo)["QueueUrl"]

boto3.client("sesv2").create_email_identity(EmailIdentity="alerts@gavel.example")
secrets = boto3.client("secretsmanager")
secret = secrets.create_secret(Name="postmark", SecretString='{"serverToken":"local"}')
# The eBay app keys: the local fake eBay (whole-backend issue) will accept these; until then eBay calls fail.
ebay = secrets.create_secret(
    Name="ebay-credentials",
    SecretString='{"app_id":"gavel-app-id","dev_id":"local","cert_id":"gavel-cert-secret","ru_name":"Gavel-RuName"}',
)
notification_queue = sqs.create_queue(QueueName="notification-queue.fifo", Attributes=fifo)["QueueUrl"]
kms_key = boto3.client("kms").create_key(Description="gavel local")["KeyMetadata"]["KeyId"]
boto3.client("scheduler").create_schedule_group(Name="bid-schedules")

# The storefront: tables, the images bucket with one upload, demo products and a cart (issue 6 events).
table("products", "product_id", index=("vendor-index", "vendor_id"))
table("orders", "order_id", index=("user-orders-index", "user_id", "created_at"))
table("cart", "userId", "productId")
table("sessions", "session_id", index=("user-index", "user_id"))
table("analytics", "product_id", "timestamp")
table("jobs", "job")
for product, name, price, stock in (("prod-camera", "Camera", 34900, 3), ("prod-strap", "Strap", 1950, 10)):
    dynamodb.put_item(TableName="products", Item={
        "product_id": {"S": product}, "vendor_id": {"S": "user-a"}, "name": {"S": name}, "price": {"N": str(price)},
        "currency": {"S": "GBP"}, "stock": {"N": str(stock)}, "status": {"S": "ACTIVE"},
    })
dynamodb.put_item(TableName="cart", Item={"userId": {"S": "user-grace"}, "productId": {"S": "prod-strap"}, "quantity": {"N": "4"}})
s3 = boto3.client("s3")
s3.create_bucket(Bucket="gavel-images-local")
try:
    import io
    from PIL import Image
    photo = io.BytesIO()
    Image.new("RGB", (1600, 1200), (180, 60, 40)).save(photo, "JPEG", quality=90)
    s3.put_object(Bucket="gavel-images-local", Key="uploads/prod-camera/camera front.jpg", Body=photo.getvalue())
except ImportError:
    pass  # without Pillow the upload event finds no object and is skipped

for key, value in {
    "BIDS_HISTORY_TABLE": "bids_history",
    "BID_PERSISTENCE_DLQ": bid_dlq,
    "USERS_TABLE": "users",
    "NOTIFICATIONS_SENT_TABLE": "sent-notifications",
    "NOTIFICATION_DLQ": notification_dlq,
    "EMAIL_PROVIDER": "ses",
    "EMAIL_FROM": "alerts@gavel.example",
    "POSTMARK_TOKEN_SECRET_ID": secret["ARN"],
    "BIDS_TABLE": "bids",
    "BID_HISTORY_TABLE": "bid-history",
    "NOTIFICATION_QUEUE_URL": notification_queue,
    "SCHEDULE_GROUP": "bid-schedules",
    "BID_EXECUTOR_ARN": "arn:aws:lambda:us-east-1:123456789012:function:bid-executor",
    "SCHEDULER_ROLE_ARN": "arn:aws:iam::123456789012:role/bid-scheduler",
    "KMS_KEY_ID": kms_key,
    "EBAY_SECRET_ID": ebay["ARN"],
    "PRODUCTS_TABLE": "products",
    "ORDERS_TABLE": "orders",
    "CART_TABLE": "cart",
    "SESSIONS_TABLE": "sessions",
    "ANALYTICS_TABLE": "analytics",
    "JOBS_TABLE": "jobs",
}.items():
    print(f"{key}={value}")
