"""Creates template.yaml's resources on a local moto and writes what `gavel-local dev` needs to run the stack.

Usage: .venv/bin/python scripts/local-aws.py OUT.json [Parameter=VALUE ...] [SecretLogicalId=JSON ...] [--no-demo]
(with AWS_ENDPOINT_URL, AWS_DEFAULT_REGION and keys pointing at moto)

The template is the only list of resources: every table (keys, indexes, TTL), queue (FIFO settings, redrive
to its dead-letter queue), bucket (CORS, and a notification to an internal queue for each S3 event), secret,
KMS key and alias, user pool and client, schedule group and SES identity is created from its properties,
with !Ref, !GetAtt, !Sub, !If and the template's Conditions resolved as CloudFormation would (parameters at
their defaults). Resources moto has no use for locally (alarms, topics, roles, policies, log groups) get
names and ARNs but are not created. OUT.json describes the result: each function's resolved environment and
event sources, the HTTP API's CORS and JWT settings, the user pool, and the demo data.
"""
import json
import os
import re
import sys

import boto3
import yaml

ACCOUNT, REGION = "123456789012", "us-east-1"
PSEUDO = {"AWS::AccountId": ACCOUNT, "AWS::Region": REGION, "AWS::Partition": "aws",
          "AWS::URLSuffix": "amazonaws.com", "AWS::StackName": "gavel-local", "AWS::NoValue": None}
DEMO_USER, DEMO_PASSWORD = "demo@gavel.example", "Gavel-local-demo-1!"


class Unresolved(Exception):
    """A value names a resource not created yet: try again on the next pass."""


def load_template(path):
    class Loader(yaml.SafeLoader):
        pass

    def intrinsic(loader, suffix, node):
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        if suffix == "Ref":
            return {"Ref": value}
        if suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
        return {"Fn::" + suffix: value}

    Loader.add_multi_constructor("!", intrinsic)
    with open(path) as file:
        return yaml.load(file, Loader=Loader)


class Stack:
    def __init__(self, template, overrides):
        self.template = template
        declared = template.get("Parameters", {})
        self.parameters = {name: str(spec.get("Default", "")) for name, spec in declared.items()}
        self.parameters.update({k: v for k, v in overrides.items() if k in declared})
        self.secrets = {k: v for k, v in overrides.items() if k not in declared}
        self.refs, self.attributes = {}, {}
        self.conditions = {}
        for name, condition in template.get("Conditions", {}).items():
            self.conditions[name] = self.truth(condition)

    # ---- intrinsic functions --------------------------------------------------------------------------------
    def truth(self, condition):
        (function, argument), = condition.items()
        if function == "Fn::Equals":
            return self.resolve(argument[0]) == self.resolve(argument[1])
        if function == "Fn::Not":
            return not self.truth(argument[0])
        if function == "Fn::And":
            return all(self.truth(c) for c in argument)
        if function == "Fn::Or":
            return any(self.truth(c) for c in argument)
        if function == "Condition":
            return self.conditions[argument]
        raise ValueError(f"unsupported condition {function}")

    def lookup(self, name):
        if name in PSEUDO:
            return PSEUDO[name]
        if name in self.parameters:
            return self.parameters[name]
        if "." in name:
            resource, attribute = name.split(".", 1)
            return self.attribute(resource, attribute)
        if name not in self.refs:
            raise Unresolved(name)
        return self.refs[name]

    def attribute(self, resource, attribute):
        if (resource, attribute) not in self.attributes:
            raise Unresolved(f"{resource}.{attribute}")
        return self.attributes[(resource, attribute)]

    def resolve(self, value):
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (key, argument), = value.items()
            if key == "Ref":
                return self.lookup(argument)
            if key == "Fn::GetAtt":
                return self.attribute(argument[0], argument[1])
            if key == "Fn::Sub":
                text, variables = (argument, {}) if isinstance(argument, str) else argument
                variables = {k: self.resolve(v) for k, v in variables.items()}
                return re.sub(r"\$\{([^}!]+)\}", lambda m: str(variables.get(m.group(1)) or self.lookup(m.group(1))), text)
            if key == "Fn::If":
                return self.resolve(argument[1] if self.conditions[argument[0]] else argument[2])
            if key == "Fn::Join":
                return argument[0].join(str(v) for v in self.resolve(argument[1]))
            if key == "Fn::Select":
                return self.resolve(argument[1])[int(argument[0])]
        return {k: self.resolve(v) for k, v in value.items()}

    # ---- creation ---------------------------------------------------------------------------------------------
    def create_all(self):
        pending = {name: resource for name, resource in self.template["Resources"].items()
                   if self.conditions.get(resource.get("Condition"), True)}
        while pending:
            progressed = False
            for name, resource in list(pending.items()):
                try:
                    properties = self.resolve(resource.get("Properties", {}))
                except Unresolved:
                    continue
                self.create(name, resource["Type"], properties)
                del pending[name]
                progressed = True
            if not progressed:
                raise SystemExit(f"local-aws: cannot resolve {sorted(pending)} (a reference cycle or unknown name)")

    def create(self, name, kind, p):
        arn = lambda service, rest: f"arn:aws:{service}:{REGION}:{ACCOUNT}:{rest}"
        if kind == "AWS::DynamoDB::Table":
            create_table(p)
            self.refs[name] = p["TableName"]
            self.attributes[(name, "Arn")] = arn("dynamodb", f"table/{p['TableName']}")
        elif kind == "AWS::SQS::Queue":
            attributes = {key: str(p[key]).lower() if isinstance(p[key], bool) else str(p[key])
                          for key in ("FifoQueue", "ContentBasedDeduplication", "MessageRetentionPeriod",
                                      "VisibilityTimeout", "DelaySeconds") if key in p}
            if "RedrivePolicy" in p:
                attributes["RedrivePolicy"] = json.dumps(p["RedrivePolicy"])
            url = boto3.client("sqs").create_queue(QueueName=p["QueueName"], Attributes=attributes)["QueueUrl"]
            self.refs[name] = url
            self.attributes[(name, "Arn")] = arn("sqs", p["QueueName"])
            self.attributes[(name, "QueueName")] = p["QueueName"]
            self.attributes[(name, "QueueUrl")] = url
        elif kind == "AWS::SecretsManager::Secret":
            value = self.secrets.get(name) or secret_string(p)
            secret = boto3.client("secretsmanager").create_secret(Name=p["Name"], SecretString=value)
            self.refs[name] = secret["ARN"]
        elif kind == "AWS::KMS::Key":
            key = boto3.client("kms").create_key(Description=p.get("Description", name))["KeyMetadata"]
            self.refs[name] = key["KeyId"]
            self.attributes[(name, "Arn")] = key["Arn"]
        elif kind == "AWS::KMS::Alias":
            boto3.client("kms").create_alias(AliasName=p["AliasName"], TargetKeyId=p["TargetKeyId"])
            self.refs[name] = p["AliasName"]
        elif kind == "AWS::Cognito::UserPool":
            options = {k: p[k] for k in ("UsernameAttributes", "AutoVerifiedAttributes", "Policies", "Schema",
                                         "MfaConfiguration") if k in p}
            pool = boto3.client("cognito-idp").create_user_pool(PoolName=p["UserPoolName"], **options)["UserPool"]
            self.refs[name] = pool["Id"]
            self.attributes[(name, "Arn")] = pool["Arn"]
            self.attributes[(name, "ProviderURL")] = f"cognito-idp.{REGION}.amazonaws.com/{pool['Id']}"
        elif kind == "AWS::Cognito::UserPoolClient":
            options = {k: p[k] for k in ("ExplicitAuthFlows", "GenerateSecret") if k in p}
            client = boto3.client("cognito-idp").create_user_pool_client(
                UserPoolId=p["UserPoolId"], ClientName=p["ClientName"], **options)["UserPoolClient"]
            self.refs[name] = client["ClientId"]
        elif kind == "AWS::Scheduler::ScheduleGroup":
            group = boto3.client("scheduler").create_schedule_group(Name=p["Name"])
            self.refs[name] = p["Name"]
            self.attributes[(name, "Arn")] = group["ScheduleGroupArn"]
        elif kind == "AWS::S3::Bucket":
            s3 = boto3.client("s3")
            s3.create_bucket(Bucket=p["BucketName"])
            if "CorsConfiguration" in p:
                renamed = {"MaxAge": "MaxAgeSeconds", "Id": "ID", "ExposedHeaders": "ExposeHeaders"}
                rules = [{renamed.get(k, k): v for k, v in rule.items()} for rule in p["CorsConfiguration"]["CorsRules"]]
                s3.put_bucket_cors(Bucket=p["BucketName"], CORSConfiguration={"CORSRules": rules})
            self.refs[name] = p["BucketName"]
            self.attributes[(name, "Arn")] = f"arn:aws:s3:::{p['BucketName']}"
        elif kind == "AWS::SES::EmailIdentity":
            boto3.client("sesv2").create_email_identity(EmailIdentity=p["EmailIdentity"])
            self.refs[name] = p["EmailIdentity"]
        elif kind == "AWS::Serverless::Function":
            function = function_name(name)
            self.refs[name] = function
            self.attributes[(name, "Arn")] = arn("lambda", f"function:{function}")
        elif kind == "AWS::IAM::Role":
            self.refs[name] = name
            self.attributes[(name, "Arn")] = f"arn:aws:iam::{ACCOUNT}:role/{name}"
        else:
            # Alarms, topics, subscriptions, policies, log groups, the HTTP API: nothing to create on moto.
            self.refs[name] = arn(kind.split("::")[1].lower(), name)
            self.attributes[(name, "Arn")] = self.refs[name]

    # ---- what gavel-local dev runs ----------------------------------------------------------------------------
    def functions(self):
        resources = self.template["Resources"]
        globals_ = self.template.get("Globals", {}).get("Function", {})
        queue_urls = {arn: self.attributes[(name, "QueueUrl")] for (name, attribute), arn in self.attributes.items()
                      if attribute == "Arn" and (name, "QueueUrl") in self.attributes}
        described = {}
        for logical_id, resource in resources.items():
            if resource["Type"] != "AWS::Serverless::Function" or not self.conditions.get(resource.get("Condition"), True):
                continue
            properties = resource.get("Properties", {})
            environment = dict(self.resolve(globals_.get("Environment", {}).get("Variables", {})))
            environment.update(self.resolve(properties.get("Environment", {}).get("Variables", {})))
            events = []
            for event_name, event in properties.get("Events", {}).items():
                p = self.resolve(event.get("Properties", {}))
                if event["Type"] == "SQS":
                    events.append({"type": "sqs", "name": event_name, "queueUrl": queue_urls[p["Queue"]],
                                   "queueArn": p["Queue"], "batchSize": p.get("BatchSize", 10),
                                   "reportBatchItemFailures": "ReportBatchItemFailures" in p.get("FunctionResponseTypes", [])})
                elif event["Type"] == "S3":
                    events.append(self.wire_bucket(function_name(logical_id), event_name, p))
                elif event["Type"] == "ScheduleV2":
                    events.append({"type": "schedule", "name": event_name, "expression": p["ScheduleExpression"],
                                   "input": p.get("Input")})
                elif event["Type"] == "HttpApi":
                    authorizer = p.get("Auth", {}).get("Authorizer")
                    events.append({"type": "http", "name": event_name, "path": p["Path"], "method": p["Method"],
                                   "authorized": authorizer != "NONE"})
            described[function_name(logical_id)] = {
                "logicalId": logical_id, "environment": {k: str(v) for k, v in environment.items() if v is not None},
                "events": events,
            }
        return described

    def wire_bucket(self, function, event_name, p):
        """S3 notifies an internal queue (moto delivers bucket events to SQS), which gavel-local dev polls."""
        sqs = boto3.client("sqs")
        queue = f"gavel-local-{function}-{event_name}".lower()
        url = sqs.create_queue(QueueName=queue)["QueueUrl"]
        configuration = {"QueueArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{queue}",
                         "Events": p["Events"] if isinstance(p["Events"], list) else [p["Events"]]}
        rules = p.get("Filter", {}).get("S3Key", {}).get("Rules", [])
        if rules:
            configuration["Filter"] = {"Key": {"FilterRules": rules}}
        boto3.client("s3").put_bucket_notification_configuration(
            Bucket=p["Bucket"], NotificationConfiguration={"QueueConfigurations": [configuration]})
        return {"type": "s3", "name": event_name, "bucket": p["Bucket"], "queueUrl": url}

    def http_api(self):
        for name, resource in self.template["Resources"].items():
            if resource["Type"] != "AWS::Serverless::HttpApi":
                continue
            p = self.resolve(resource.get("Properties", {}))
            auth = p.get("Auth", {})
            jwt = auth.get("Authorizers", {}).get(auth.get("DefaultAuthorizer"), {}).get("JwtConfiguration", {})
            cors = p.get("CorsConfiguration", {})
            return {"cors": {"allowOrigins": cors.get("AllowOrigins", []), "allowMethods": cors.get("AllowMethods", []),
                             "allowHeaders": cors.get("AllowHeaders", []), "maxAge": cors.get("MaxAge", 0)},
                    "issuer": jwt.get("issuer"), "audience": jwt.get("audience", [])}
        return None


def function_name(logical_id):
    """ApiFunction → api, BidExecutorFunction → bid-executor (gavel-local's rule)."""
    return re.sub(r"(?<!^)([A-Z])", r"-\1", logical_id[: -len("Function")]).lower()


def create_table(p):
    options = {}
    if "GlobalSecondaryIndexes" in p:
        options["GlobalSecondaryIndexes"] = [
            {k: index[k] for k in ("IndexName", "KeySchema", "Projection")} for index in p["GlobalSecondaryIndexes"]]
    dynamodb = boto3.client("dynamodb")
    dynamodb.create_table(TableName=p["TableName"], BillingMode=p.get("BillingMode", "PAY_PER_REQUEST"),
                          AttributeDefinitions=p["AttributeDefinitions"], KeySchema=p["KeySchema"], **options)
    ttl = p.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        dynamodb.update_time_to_live(TableName=p["TableName"], TimeToLiveSpecification=ttl)


def secret_string(p):
    if "SecretString" in p:
        return p["SecretString"]
    generate = p.get("GenerateSecretString", {})
    value = json.loads(generate.get("SecretStringTemplate", "{}"))
    if "GenerateStringKey" in generate:
        value[generate["GenerateStringKey"]] = "local-generated"
    return json.dumps(value)


def seed_demo(stack, functions):
    """A signed-up user with a profile, two products in stock, and a cart."""
    environment = {k: v for f in functions.values() for k, v in f["environment"].items()}
    pool, client = stack.refs["UserPool"], stack.refs["UserPoolClient"]
    cognito = boto3.client("cognito-idp")
    cognito.admin_create_user(UserPoolId=pool, Username=DEMO_USER, MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": DEMO_USER}, {"Name": "name", "Value": "Demo"}])
    cognito.admin_set_user_password(UserPoolId=pool, Username=DEMO_USER, Password=DEMO_PASSWORD, Permanent=True)
    user = cognito.admin_get_user(UserPoolId=pool, Username=DEMO_USER)
    sub = next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")
    dynamodb = boto3.client("dynamodb")
    dynamodb.put_item(TableName=environment["USERS_TABLE"],
                      Item={"userId": {"S": sub}, "email": {"S": DEMO_USER}, "name": {"S": "Demo"}})
    for product, name, price, stock in (("prod-camera", "Camera", 34900, 3), ("prod-strap", "Strap", 1950, 10)):
        dynamodb.put_item(TableName=environment["PRODUCTS_TABLE"], Item={
            "product_id": {"S": product}, "vendor_id": {"S": sub}, "name": {"S": name}, "price": {"N": str(price)},
            "currency": {"S": "GBP"}, "stock": {"N": str(stock)}, "status": {"S": "ACTIVE"},
        })
    dynamodb.put_item(TableName=environment["CART_TABLE"],
                      Item={"userId": {"S": sub}, "productId": {"S": "prod-strap"}, "quantity": {"N": "2"}})
    return {"email": DEMO_USER, "password": DEMO_PASSWORD, "userId": sub,
            "products": ["prod-camera", "prod-strap"]}


def main(arguments):
    out = arguments[0]
    overrides = dict(a.split("=", 1) for a in arguments[1:] if not a.startswith("--"))
    stack = Stack(load_template("template.yaml"), overrides)
    stack.create_all()
    functions = stack.functions()
    description = {
        "region": REGION,
        "endpoint": os.environ["AWS_ENDPOINT_URL"],
        "functions": functions,
        "httpApi": stack.http_api(),
        "userPool": {"id": stack.refs["UserPool"], "clientId": stack.refs["UserPoolClient"]},
        "scheduleGroups": [stack.refs[n] for n, r in stack.template["Resources"].items()
                           if r["Type"] == "AWS::Scheduler::ScheduleGroup"],
        "buckets": [stack.refs[n] for n, r in stack.template["Resources"].items() if r["Type"] == "AWS::S3::Bucket"],
        "deadLetterQueues": {stack.attributes[(n, "QueueName")]: stack.refs[n] for n, r in stack.template["Resources"].items()
                             if r["Type"] == "AWS::SQS::Queue" and "RedrivePolicy" not in r.get("Properties", {})},
        "demo": None if "--no-demo" in arguments else seed_demo(stack, functions),
    }
    with open(out, "w") as file:
        json.dump(description, file, indent=2)


if __name__ == "__main__":
    main(sys.argv[1:])
